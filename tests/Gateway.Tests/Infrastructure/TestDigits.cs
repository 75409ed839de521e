using System.IO.Compression;

namespace NeuralSec.Gateway.Tests.Infrastructure;

/// <summary>Real MNIST test-split digits from the committed fixture (format: data/mnist/README.md).</summary>
internal static class TestDigits
{
    private static readonly Lazy<(float[][] Images, byte[] Labels)> Test = new(Load);

    public static int Count => Test.Value.Labels.Length;

    public static float[] Image(int index) => Test.Value.Images[index];

    public static int Label(int index) => Test.Value.Labels[index];

    private static (float[][] Images, byte[] Labels) Load()
    {
        using var gz = new GZipStream(File.OpenRead(RepoPaths.MnistData), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        var blob = ms.ToArray();
        var n = BitConverter.ToInt32(blob, 8);
        const int pixels = 28 * 28;
        var labelsAt = 24 + (n * pixels);
        var splitAt = labelsAt + n;
        var images = new List<float[]>();
        var labels = new List<byte>();
        for (var i = 0; i < n; i++)
        {
            if (blob[splitAt + i] != 1)
            {
                continue;
            }

            var image = new float[pixels];
            for (var p = 0; p < pixels; p++)
            {
                image[p] = blob[24 + (i * pixels) + p] / 255f;
            }

            images.Add(image);
            labels.Add(blob[labelsAt + i]);
        }

        return (images.ToArray(), labels.ToArray());
    }
}
