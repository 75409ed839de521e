using NeuralSec.Detectors.Catalog;

namespace NeuralSec.Detectors.Preprocessing.RandomShift;

/// <summary>Policy <c>type: randomShift</c>.</summary>
internal static class RandomShiftDefinition
{
    public const string Type = "randomShift";

    public const long DefaultMaxShift = 2;

    public static DefenseDefinition Definition { get; } = new(
        Type,
        DefenseStage.Preprocess,
        "Random shift/crop: moves each image by a random offset up to maxShift pixels per axis; seeded per request.",
        [
            new OptionDefinition("maxShift", OptionKind.Integer, "Largest shift in pixels along each axis.") { Minimum = 1, Maximum = 64, Default = DefaultMaxShift },
            new OptionDefinition("padValue", OptionKind.Number, "Intensity of uncovered pixels in pixel units (0 = black).") { Minimum = 0, Maximum = 1, Default = 0.0 },
        ])
    {
        Build = (reader, _) => Create(reader),
    };

    public static RandomShiftPreprocessor Create(Options.DefenseOptionReader reader)
    {
        var options = new RandomShiftOptions((int)reader.Integer("maxShift"), reader.Number("padValue"));
        reader.ThrowIfInvalid();
        return new RandomShiftPreprocessor(options);
    }
}
