namespace NeuralSec.Data;

/// <summary>A set of 28×28 digits: <see cref="Images"/> is Count·784 floats in [0,1] (NCHW, C=1).</summary>
public sealed class MnistSplit
{
    public const int Rows = 28;
    public const int Cols = 28;
    public const int Pixels = Rows * Cols;

    public MnistSplit(float[] images, byte[] labels)
    {
        if (images.Length != labels.Length * Pixels)
        {
            throw new ArgumentException($"{images.Length} pixels do not match {labels.Length} labels of {Pixels} pixels");
        }

        Images = images;
        Labels = labels;
    }

    public float[] Images { get; }

    public byte[] Labels { get; }

    public int Count => Labels.Length;

    public ReadOnlySpan<float> Image(int i) => Images.AsSpan(i * Pixels, Pixels);

    public MnistSplit Slice(int start, int count)
        => new(Images.AsSpan(start * Pixels, count * Pixels).ToArray(), Labels.AsSpan(start, count).ToArray());

    public MnistSplit Select(IReadOnlyList<int> indices)
    {
        var images = new float[indices.Count * Pixels];
        var labels = new byte[indices.Count];
        for (var k = 0; k < indices.Count; k++)
        {
            Image(indices[k]).CopyTo(images.AsSpan(k * Pixels));
            labels[k] = Labels[indices[k]];
        }

        return new MnistSplit(images, labels);
    }
}
