using NeuralSec.Detectors.Images;

namespace NeuralSec.Detectors.Tests.Support;

internal static class TestImages
{
    public static ImageBatch Grey(int height, int width, params float[] pixels) =>
        new(pixels, 1, 1, height, width);

    /// <summary>Uniform random pixels in [0, 1], NCHW.</summary>
    public static ImageBatch Random(int count, int channels, int height, int width, int seed = 7)
    {
        var random = new Random(seed);
        var data = new float[count * channels * height * width];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (float)random.NextDouble();
        }

        return new ImageBatch(data, count, channels, height, width);
    }

    /// <summary>A smooth gradient image (what JPEG keeps well), NCHW.</summary>
    public static ImageBatch Smooth(int channels, int height, int width)
    {
        var data = new float[channels * height * width];
        for (var c = 0; c < channels; c++)
        {
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    data[(c * height * width) + (y * width) + x] = 0.15f + (0.7f * (x + y + (3 * c)) / (width + height + 6));
                }
            }
        }

        return new ImageBatch(data, 1, channels, height, width);
    }

    /// <summary>NCHW → NHWC copy of the same images.</summary>
    public static ImageBatch ToNhwc(ImageBatch nchw)
    {
        int c = nchw.Channels, h = nchw.Height, w = nchw.Width;
        var source = nchw.Span;
        var data = new float[source.Length];
        for (var n = 0; n < nchw.Count; n++)
        {
            for (var ch = 0; ch < c; ch++)
            {
                for (var i = 0; i < h * w; i++)
                {
                    data[(n * c * h * w) + (i * c) + ch] = source[(n * c * h * w) + (ch * h * w) + i];
                }
            }
        }

        return new ImageBatch(data, nchw.Count, c, h, w, ImageLayout.Nhwc, nchw.Scaling);
    }

    /// <summary>A copy with each value x mapped to (x − mean)/std (torchvision-style standardisation of [0, 1] pixels).</summary>
    public static ImageBatch Standardised(ImageBatch pixels, double mean, double std) =>
        new(pixels.Span.ToArray().Select(v => (float)((v - mean) / std)).ToArray(), pixels.Count, pixels.Channels, pixels.Height, pixels.Width, pixels.Layout, new ImageScaling(0, 1, [mean], [std]));
}
