using NeuralSec.Detectors.Images;
using NeuralSec.Detectors.Preprocessing.Jpeg;
using NeuralSec.Detectors.Tests.Support;

namespace NeuralSec.Detectors.Tests.Preprocessing;

public sealed class JpegTests
{
    private static readonly JpegPreprocessor Quality75 = new(new JpegOptions(75));

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Noise_IsChanged_SmoothImage_StaysClose(int channels)
    {
        var noisy = TestImages.Random(1, channels, 32, 32);
        var noisyBefore = noisy.Span.ToArray();
        var smooth = TestImages.Smooth(channels, 32, 32);
        var smoothBefore = smooth.Span.ToArray();

        Quality75.Apply(noisy, new Random(1));
        Quality75.Apply(smooth, new Random(1));

        var noisyChange = MeanAbsoluteDifference(noisyBefore, noisy.Span);
        var smoothChange = MeanAbsoluteDifference(smoothBefore, smooth.Span);
        Assert.True(noisyChange > 0.02, $"JPEG should remove much of uniform noise: {noisyChange}");
        Assert.True(smoothChange < 0.01, $"JPEG should keep a smooth gradient: {smoothChange}");
    }

    [Fact]
    public void StandardisedInput_SurvivesWithoutClippingLoss()
    {
        // Pixels in [0.15, 0.85] standardised with mean 0.5, std 0.2 → model values in about [−1.75, 1.75].
        var pixels = TestImages.Smooth(3, 24, 24);
        var standardised = TestImages.Standardised(pixels, 0.5, 0.2);
        var before = standardised.Span.ToArray();

        Quality75.Apply(standardised, new Random(1));

        Assert.True(standardised.Span.ToArray().Min() < -1.5f, "negative standardised values must not be clipped to 0");
        var change = MeanAbsoluteDifference(before, standardised.Span);
        Assert.True(change < 0.05, $"error should be a few pixel levels over σ=0.2: {change}");

        // The pitfall: treating the same values as [0, 1] pixels clips every negative one.
        var naive = new ImageBatch(before.ToArray(), 1, 3, 24, 24);
        Quality75.Apply(naive, new Random(1));
        Assert.True(naive.Span.ToArray().Min() >= 0);
        var naiveChange = MeanAbsoluteDifference(before, naive.Span);
        Assert.True(naiveChange > 10 * change, $"naive clipping loses {naiveChange} against {change}");
    }

    [Fact]
    public void Range0To255_IsRespected()
    {
        var pixels = TestImages.Smooth(1, 16, 16);
        var bytes = new ImageBatch(pixels.Span.ToArray().Select(v => v * 255).ToArray(), 1, 1, 16, 16, ImageLayout.Nchw, new ImageScaling(0, 255));
        var before = bytes.Span.ToArray();

        new JpegPreprocessor(new JpegOptions(90)).Apply(bytes, new Random(1));

        Assert.True(bytes.Span.ToArray().Max() > 150, "values stay on the 0–255 scale");
        Assert.True(MeanAbsoluteDifference(before, bytes.Span) < 2.5);
    }

    [Fact]
    public void LowerQuality_RemovesMore()
    {
        var high = TestImages.Random(1, 1, 28, 28);
        var low = high.Clone();
        var before = high.Span.ToArray();

        new JpegPreprocessor(new JpegOptions(95)).Apply(high, new Random(1));
        new JpegPreprocessor(new JpegOptions(10)).Apply(low, new Random(1));

        Assert.True(MeanAbsoluteDifference(before, low.Span) > MeanAbsoluteDifference(before, high.Span));
    }

    private static double MeanAbsoluteDifference(float[] a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += Math.Abs(a[i] - b[i]);
        }

        return sum / a.Length;
    }
}
