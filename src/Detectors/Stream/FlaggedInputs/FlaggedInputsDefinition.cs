using NeuralSec.Detectors.Catalog;

namespace NeuralSec.Detectors.Stream;

/// <summary>Policy <c>type: flaggedInputs</c> (spec.extraction.detectors).</summary>
internal static class FlaggedInputsDefinition
{
    public const string Type = "flaggedInputs";

    public static DefenseDefinition Definition { get; } = new(
        Type,
        DefenseStage.Stream,
        "Escalation per client: how surprising the share of the client's requests the input detectors flagged is, for a client whose requests are flagged at the base rate (−log10 of a Chernoff bound; 10 = one chance in 10^10); HIGH is suspicious. Turns many weak per-request signals into one strong signal about the client — random noise, synthetic (JBDA) and boundary-probing queries — while a benign client's occasional flag never adds up. Counts requests refused by the input detectors too.",
        [
            new OptionDefinition("window", OptionKind.Number, "Sliding window the counts cover, seconds.") { Minimum = 1, Maximum = 30 * 86_400, Default = 3600.0 },
            new OptionDefinition("buckets", OptionKind.Integer, "Time buckets in the window (its resolution: window/buckets).") { Minimum = 1, Maximum = 1440, Default = 12L },
            new OptionDefinition("baseRate", OptionKind.Number, "Share of a benign client's requests the input detectors flag: their calibrated false-positive rate.") { Minimum = 1e-6, Maximum = 0.5, Default = 0.01 },
            new OptionDefinition("minFlagged", OptionKind.Integer, "Flagged requests in the window before the score can rise above 0.") { Minimum = 1, Maximum = 1_000_000, Default = 5L },
        ])
    {
        AtlasTechniqueId = "AML.T0043",
        Build = (reader, _) => Create(reader),
    };

    public static FlaggedInputsDetector Create(Options.DefenseOptionReader reader)
    {
        var options = new FlaggedInputsOptions(
            TimeSpan.FromSeconds(reader.Number("window")),
            (int)reader.Integer("buckets"),
            reader.Number("baseRate"),
            (int)reader.Integer("minFlagged"));
        reader.ThrowIfInvalid();
        return new FlaggedInputsDetector(options);
    }
}
