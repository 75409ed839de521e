using NeuralSec.Detectors.Preprocessing;
using NeuralSec.Detectors.Preprocessing.BitDepth;
using NeuralSec.Detectors.Preprocessing.Median;
using NeuralSec.Detectors.Preprocessing.NonLocalMeans;

namespace NeuralSec.Detectors.Detection.FeatureSqueezing;

/// <summary>The squeezers a feature-squeezing detector may name — Xu et al.'s set, built from the preprocessing defenses so a
/// squeezer and the preprocessor of the same name are one implementation.</summary>
internal static class Squeezers
{
    public static IReadOnlyList<string> Names { get; } =
    [
        .. Enumerable.Range(1, 8).Select(b => $"bitDepth{b}"),
        .. Enumerable.Range(2, 4).Select(s => $"median{s}"),
        "nonLocalMeans",
    ];

    public static IPreprocessor Create(string name)
    {
        if (name.StartsWith("bitDepth", StringComparison.Ordinal) && int.TryParse(name.AsSpan(8), out var bits))
        {
            return new BitDepthPreprocessor(new BitDepthOptions(bits));
        }

        if (name.StartsWith("median", StringComparison.Ordinal) && int.TryParse(name.AsSpan(6), out var size))
        {
            return new MedianPreprocessor(new MedianOptions(size));
        }

        return name == "nonLocalMeans"
            ? new NonLocalMeansPreprocessor(new NonLocalMeansOptions(
                (int)NonLocalMeansDefinition.DefaultSearchWindow, (int)NonLocalMeansDefinition.DefaultBlockSize, NonLocalMeansDefinition.DefaultStrength))
            : throw new ArgumentException($"unknown squeezer '{name}'", nameof(name));
    }
}
