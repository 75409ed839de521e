using NeuralSec.Detectors.Catalog;

namespace NeuralSec.Detectors.Stream;

/// <summary>Policy <c>type: queryCoverage</c> (spec.extraction.detectors).</summary>
internal static class QueryCoverageDefinition
{
    public const string Type = "queryCoverage";

    public static DefenseDefinition Definition { get; } = new(
        Type,
        DefenseStage.Stream,
        "Knockoff-style natural-data extraction detector, per client: novelty-weighted query volume over a sliding window, boundary-seeking queries (small top-1 margin) weighted extra; HIGH is suspicious. A busy benign client sending fresh natural inputs scores like a random-policy Knockoff attacker: size the threshold to the heaviest legitimate client.",
        [
            new OptionDefinition("window", OptionKind.Number, "Sliding window the score sums over, seconds.") { Minimum = 1, Maximum = 30 * 86_400, Default = 3600.0 },
            new OptionDefinition("buckets", OptionKind.Integer, "Time buckets in the window (its resolution: window/buckets).") { Minimum = 1, Maximum = 1440, Default = 12L },
            new OptionDefinition("marginThreshold", OptionKind.Number, "A query whose top-1 minus top-2 probability is below this counts as boundary-seeking.") { Minimum = 0, Maximum = 1, Default = 0.2 },
            new OptionDefinition("boundaryWeight", OptionKind.Number, "Extra weight of a boundary-seeking query.") { Minimum = 0, Maximum = 100, Default = 1.0 },
            new OptionDefinition("maxClasses", OptionKind.Integer, "Class ids beyond this fold modulo, bounding the state.") { Minimum = 2, Maximum = 1024, Default = 64L },
        ])
    {
        AtlasTechniqueId = "AML.T0024.002",
        Build = (reader, _) => Create(reader),
    };

    public static QueryCoverageDetector Create(Options.DefenseOptionReader reader)
    {
        var options = new QueryCoverageOptions(
            TimeSpan.FromSeconds(reader.Number("window")),
            (int)reader.Integer("buckets"),
            reader.Number("marginThreshold"),
            reader.Number("boundaryWeight"),
            (int)reader.Integer("maxClasses"));
        reader.ThrowIfInvalid();
        return new QueryCoverageDetector(options);
    }
}
