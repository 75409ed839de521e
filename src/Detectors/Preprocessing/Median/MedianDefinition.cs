using NeuralSec.Detectors.Catalog;

namespace NeuralSec.Detectors.Preprocessing.Median;

/// <summary>Policy <c>type: median</c>.</summary>
internal static class MedianDefinition
{
    public const string Type = "median";

    /// <summary>2×2: Xu et al.'s MNIST squeezer (strongest against L0 attacks).</summary>
    public const long DefaultSize = 2;

    public static DefenseDefinition Definition { get; } = new(
        Type,
        DefenseStage.Preprocess,
        "Median filter over a size×size window per channel (scipy semantics: reflect borders; even windows sit up/left of the pixel and take the upper middle value).",
        [
            new OptionDefinition("size", OptionKind.Integer, "Window side in pixels.") { Minimum = 2, Maximum = MedianFilter.MaxSize, Default = DefaultSize },
        ])
    {
        Build = (reader, _) => Create(reader),
    };

    public static MedianPreprocessor Create(Options.DefenseOptionReader reader)
    {
        var options = new MedianOptions((int)reader.Integer("size"));
        reader.ThrowIfInvalid();
        return new MedianPreprocessor(options);
    }
}
