using NeuralSec.Detectors.Catalog;

namespace NeuralSec.Detectors.Detection.Strip;

/// <summary>Policy <c>type: strip</c>.</summary>
internal static class StripDefinition
{
    public const string Type = "strip";

    /// <summary>The reference notebook's n_sample.</summary>
    public const long DefaultSamples = 100;

    public static DefenseDefinition Definition { get; } = new(
        Type,
        DefenseStage.Detect,
        "STRIP backdoor detector: mean entropy of the model's predictions on the input superimposed on clean images; LOW is suspicious (flagged when below the threshold). One batched model call of samples × batch images.",
        [
            new OptionDefinition("pool", OptionKind.String, "File of clean held-out images (same geometry and scaling as the model input) to superimpose.")
            {
                Required = true,
                IsFileReference = true,
            },
            new OptionDefinition("samples", OptionKind.Integer, "Superimposed copies per input (the model runs samples × batch images).") { Minimum = 1, Maximum = 1000, Default = DefaultSamples },
            new OptionDefinition("clip", OptionKind.Boolean, "Clip blended pixels to 1 (the reference notebook does not: the sum of two [0,1] images may reach 2). Set it for images on a black background (MNIST): there a trigger stamped at full intensity stays at 1 under addition while crossing strokes reach 2, and loses half its contrast (docs/evaluation.md §3).") { Default = false },
            new OptionDefinition("normalize", OptionKind.Boolean, "Divide the mean entropy (bits) by log2(classes), so scores lie in [0, 1] whatever the class count.") { Default = true },
        ])
    {
        AtlasTechniqueId = "AML.T0018",
        Cost = DetectorCost.ServedModelMany,
        FlagsBelowThreshold = true,
        Build = Create,
    };

    public static StripDetector Create(Options.DefenseOptionReader reader, DefenseResources resources)
    {
        var options = new StripOptions(reader.String("pool") ?? string.Empty, (int)reader.Integer("samples"), reader.Boolean("clip"), reader.Boolean("normalize"));
        if (resources.LoadImages is null && options.Pool.Length > 0)
        {
            reader.Error($"option 'pool' names '{options.Pool}' but the host provides no image loader (DefenseResources.LoadImages)");
        }

        reader.ThrowIfInvalid();
        var pool = resources.LoadImages!(options.Pool);
        return new StripDetector(options, pool);
    }
}
