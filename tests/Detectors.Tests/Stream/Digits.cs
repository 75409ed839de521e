using NeuralSec.Data;

namespace NeuralSec.Detectors.Tests.Stream;

/// <summary>The committed MNIST fixture, read once: all 10,000 digits in file order (train split, then test split).</summary>
internal static class Digits
{
    private static readonly Lazy<MnistDataset> Data = new(() => MnistDataset.Load());

    public const int Pixels = MnistSplit.Pixels;

    public static MnistSplit Train => Data.Value.Train;

    public static MnistSplit Test => Data.Value.Test;

    public static int Count => Train.Count + Test.Count;

    /// <summary>Digit i of all 10,000 in file order.</summary>
    public static float[] Image(int i) => (i < Train.Count ? Train.Image(i) : Test.Image(i - Train.Count)).ToArray();

    public static int Label(int i) => i < Train.Count ? Train.Labels[i] : Test.Labels[i - Train.Count];
}
