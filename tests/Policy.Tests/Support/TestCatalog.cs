using NeuralSec.Detectors.Catalog;

namespace NeuralSec.Policy.Tests;

/// <summary>Stand-in defenses: the real catalog is empty until the defenses land, and option validation needs
/// every option kind.</summary>
internal static class TestCatalog
{
    public static IReadOnlyCollection<DefenseDefinition> All { get; } =
    [
        new("bitDepth", DefenseStage.Preprocess, "Reduces colour depth.",
        [
            new("bits", OptionKind.Integer, "Bits kept per value.") { Required = true, Minimum = 1, Maximum = 8 },
        ]),
        new("median", DefenseStage.Preprocess, "Median filter.",
        [
            new("size", OptionKind.Integer, "Window size.") { Minimum = 1, Maximum = 5, Default = 2L },
        ]),
        new("squeeze", DefenseStage.Detect, "Feature-squeezing disagreement.",
        [
            new("squeezers", OptionKind.StringList, "Squeezers to compare with.") { AllowedValues = ["bitDepth1", "bitDepth5", "median2"], Default = new[] { "bitDepth5" } },
            new("metric", OptionKind.Enum, "Distance.") { AllowedValues = ["l1", "l2"], Default = "l1" },
            new("weights", OptionKind.NumberList, "Per-squeezer weights.") { Minimum = 0, Maximum = 1 },
            new("strict", OptionKind.Boolean, "Strict mode."),
        ]) { AtlasTechniqueId = "AML.T0043" },
        new("autoencoder", DefenseStage.Detect, "Reconstruction error.",
        [
            new("model", OptionKind.String, "Autoencoder ONNX file.") { Required = true, IsFileReference = true },
            new("scale", OptionKind.Number, "Score scale.") { Minimum = 0, Maximum = 10 },
        ]),
        new("duplicates", DefenseStage.Stream, "Near-duplicate queries.",
        [
            new("window", OptionKind.Integer, "Window length.") { Minimum = 1, Maximum = 784, Default = 50L },
        ]) { AtlasTechniqueId = "AML.T0043" },
        new("normality", DefenseStage.Stream, "Distance distribution test.", []) { AtlasTechniqueId = "AML.T0024.002", FlagsBelowThreshold = true },
    ];
}
