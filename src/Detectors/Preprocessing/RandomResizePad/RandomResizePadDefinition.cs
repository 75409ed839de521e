using NeuralSec.Detectors.Catalog;

namespace NeuralSec.Detectors.Preprocessing.RandomResizePad;

/// <summary>Policy <c>type: randomResizePad</c>.</summary>
internal static class RandomResizePadDefinition
{
    public const string Type = "randomResizePad";

    /// <summary>299/331 ≈ 0.9: the size ratio of Xie et al.'s ImageNet setting.</summary>
    public const double DefaultMinScale = 0.9;

    public static DefenseDefinition Definition { get; } = new(
        Type,
        DefenseStage.Preprocess,
        "Random resize-and-pad (Xie et al.): shrinks each image to a random size and pads it back at a random position; seeded per request.",
        [
            new OptionDefinition("minScale", OptionKind.Number, "Smallest resized side as a fraction of the input side.") { Minimum = 0.5, Maximum = 1, Default = DefaultMinScale },
            new OptionDefinition("padValue", OptionKind.Number, "Padding intensity in pixel units (0 = black).") { Minimum = 0, Maximum = 1, Default = 0.0 },
            new OptionDefinition("interpolation", OptionKind.Enum, "Resize method (nearest as in Xie et al.).") { AllowedValues = ["nearest", "bilinear"], Default = "nearest" },
        ])
    {
        Build = (reader, _) => Create(reader),
    };

    public static RandomResizePadPreprocessor Create(Options.DefenseOptionReader reader)
    {
        var options = new RandomResizePadOptions(
            reader.Number("minScale"),
            reader.Number("padValue"),
            reader.String("interpolation") == "bilinear" ? ResizeInterpolation.Bilinear : ResizeInterpolation.Nearest);
        reader.ThrowIfInvalid();
        return new RandomResizePadPreprocessor(options);
    }
}
