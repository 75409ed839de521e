using NeuralSec.Data;
using NeuralSec.Detectors.Images;

namespace NeuralSec.RedTeam.Evaluation;

/// <summary>MNIST digits (Count·784 floats in [0, 1], NCHW) as the defenses' image batch.</summary>
internal static class Digits
{
    public static ImageBatch AsBatch(float[] images) =>
        new(images, images.Length / MnistSplit.Pixels, 1, MnistSplit.Rows, MnistSplit.Cols);

    /// <summary>One array per digit: what one query sends.</summary>
    public static float[][] Split(float[] images) =>
        Enumerable.Range(0, images.Length / MnistSplit.Pixels).Select(i => images.AsSpan(i * MnistSplit.Pixels, MnistSplit.Pixels).ToArray()).ToArray();
}
