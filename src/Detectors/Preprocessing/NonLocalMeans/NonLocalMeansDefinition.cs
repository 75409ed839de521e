using NeuralSec.Detectors.Catalog;

namespace NeuralSec.Detectors.Preprocessing.NonLocalMeans;

/// <summary>Policy <c>type: nonLocalMeans</c>. Defaults are Xu et al.'s CIFAR-10 squeezer (search 13, block 3, strength 2).</summary>
internal static class NonLocalMeansDefinition
{
    public const string Type = "nonLocalMeans";

    public const long DefaultSearchWindow = 13;
    public const long DefaultBlockSize = 3;
    public const double DefaultStrength = 2;

    public static DefenseDefinition Definition { get; } = new(
        Type,
        DefenseStage.Preprocess,
        "Non-local-means denoising per channel: each pixel becomes a patch-similarity-weighted average of its search window.",
        [
            new OptionDefinition("searchWindow", OptionKind.Integer, "Odd side of the search window in pixels; cost grows with its square.") { Minimum = 3, Maximum = 21, Default = DefaultSearchWindow },
            new OptionDefinition("blockSize", OptionKind.Integer, "Odd side of the compared patches in pixels.") { Minimum = 1, Maximum = 9, Default = DefaultBlockSize },
            new OptionDefinition("strength", OptionKind.Number, "Filter strength h in 0–255 intensity units (OpenCV's h); larger smooths more.") { Minimum = 0.1, Maximum = 100, Default = DefaultStrength },
        ])
    {
        Build = (reader, _) => Create(reader),
    };

    public static NonLocalMeansPreprocessor Create(Options.DefenseOptionReader reader)
    {
        var options = new NonLocalMeansOptions((int)reader.Integer("searchWindow"), (int)reader.Integer("blockSize"), reader.Number("strength"));
        if (options.SearchWindow % 2 == 0)
        {
            reader.Error($"option 'searchWindow' must be odd; got {options.SearchWindow}");
        }

        if (options.BlockSize % 2 == 0)
        {
            reader.Error($"option 'blockSize' must be odd; got {options.BlockSize}");
        }

        reader.ThrowIfInvalid();
        return new NonLocalMeansPreprocessor(options);
    }
}
