using NeuralSec.Data;

namespace NeuralSec.Gateway.Tests.Infrastructure;

/// <summary>Real MNIST test-split digits from the committed fixture, read by the data library's MNIST reader.</summary>
internal static class TestDigits
{
    private static readonly Lazy<MnistSplit> Test = new(() => MnistDataset.Load(RepoPaths.MnistData).Test);

    public static int Count => Test.Value.Count;

    public static float[] Image(int index) => Test.Value.Images.AsSpan(index * MnistSplit.Pixels, MnistSplit.Pixels).ToArray();

    public static int Label(int index) => Test.Value.Labels[index];
}
