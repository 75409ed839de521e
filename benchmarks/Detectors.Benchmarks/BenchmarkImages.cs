using NeuralSec.Detectors.Images;

namespace NeuralSec.Detectors.Benchmarks;

/// <summary>The two input sizes every stage is measured on: one MNIST digit and one ImageNet-sized RGB image.</summary>
public static class BenchmarkImages
{
    public const string Mnist = "1x1x28x28";
    public const string ImageNet = "1x3x224x224";

    /// <summary>Seeded, smooth-ish content (a blurred random field), so codecs and filters see image-like data.</summary>
    public static ImageBatch Create(string shape)
    {
        var (channels, side) = shape == Mnist ? (1, 28) : (3, 224);
        var random = new Random(1);
        var data = new float[channels * side * side];
        for (var c = 0; c < channels; c++)
        {
            for (var y = 0; y < side; y++)
            {
                for (var x = 0; x < side; x++)
                {
                    var wave = 0.5 + (0.3 * Math.Sin((x + (7 * c)) / 9.0) * Math.Cos(y / 13.0));
                    data[(((c * side) + y) * side) + x] = (float)Math.Clamp(wave + ((random.NextDouble() - 0.5) * 0.1), 0, 1);
                }
            }
        }

        return new ImageBatch(data, 1, channels, side, side);
    }
}
