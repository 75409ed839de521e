using NeuralSec.Detectors.Preprocessing.BitDepth;
using NeuralSec.Detectors.Tests.Support;

namespace NeuralSec.Detectors.Tests.Preprocessing;

public sealed class BitDepthTests
{
    [Fact]
    public void OneBit_BinarisesAtHalf_RoundingHalfToEven()
    {
        var batch = TestImages.Grey(1, 6, 0f, 0.2f, 0.49f, 0.5f, 0.51f, 1f);

        new BitDepthPreprocessor(new BitDepthOptions(1)).Apply(batch, new Random(1));

        // rint(0.5) = 0 (half to even), as numpy's rint in Xu et al.'s squeezer.
        Assert.Equal([0f, 0f, 0f, 0f, 1f, 1f], batch.Span.ToArray());
    }

    [Fact]
    public void TwoBits_KeepsFourLevels()
    {
        var batch = TestImages.Grey(1, 5, 0.1f, 0.2f, 0.5f, 0.8f, 0.95f);

        new BitDepthPreprocessor(new BitDepthOptions(2)).Apply(batch, new Random(1));

        // x·3 = 0.3, 0.6, 1.5, 2.4, 2.85 → rint 0, 1, 2, 2, 3 → /3.
        Assert.Equal([0f, 1f / 3, 2f / 3, 2f / 3, 1f], batch.Span.ToArray());
    }

    [Fact]
    public void ClampsOutOfRangePixels()
    {
        var batch = TestImages.Grey(1, 2, -0.3f, 1.7f);

        new BitDepthPreprocessor(new BitDepthOptions(8)).Apply(batch, new Random(1));

        Assert.Equal([0f, 1f], batch.Span.ToArray());
    }

    [Fact]
    public void WorksInPixelUnits_ForStandardisedInput()
    {
        var pixels = TestImages.Grey(1, 3, 0.2f, 0.6f, 0.9f);
        var standardised = TestImages.Standardised(pixels, 0.5, 0.25);

        new BitDepthPreprocessor(new BitDepthOptions(1)).Apply(standardised, new Random(1));

        // Pixels 0, 1, 1 → (p − 0.5)/0.25.
        Assert.Equal([-2f, 2f, 2f], standardised.Span.ToArray());
    }
}
