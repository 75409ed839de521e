using NeuralSec.Detectors.Preprocessing.Median;
using NeuralSec.Detectors.Tests.Support;

namespace NeuralSec.Detectors.Tests.Preprocessing;

public sealed class MedianTests
{
    private static float[] OneToNine => [1, 2, 3, 4, 5, 6, 7, 8, 9];

    [Fact]
    public void TwoByTwo_CoversUpLeftNeighbours_TakesUpperMiddle()
    {
        var batch = TestImages.Grey(3, 3, OneToNine);

        new MedianPreprocessor(new MedianOptions(2)).Apply(batch, new Random(1));

        // Hand-computed, scipy.ndimage.median_filter(size=2, mode='reflect'): window = pixel and its up/left neighbours
        // (reflected at the border), value of rank 2 of 4. E.g. (1,1): {1,2,4,5} → 4; (0,1): {1,2,1,2} → 2.
        Assert.Equal([1f, 2, 3, 4, 4, 5, 7, 7, 8], batch.Span.ToArray());
    }

    [Fact]
    public void ThreeByThree_ReflectPadding()
    {
        var batch = TestImages.Grey(3, 3, OneToNine);

        new MedianPreprocessor(new MedianOptions(3)).Apply(batch, new Random(1));

        // Hand-computed: e.g. (0,0) window {1,1,2,1,1,2,4,4,5} → 2; (2,1) {4,5,6,7,8,9,7,8,9} → 7.
        Assert.Equal([2f, 3, 3, 4, 5, 6, 7, 7, 8], batch.Span.ToArray());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void VectorisedRows_MatchNaiveReference(int size)
    {
        // Wide enough for several SIMD blocks plus a scalar tail.
        var batch = TestImages.Random(1, 1, 9, 37, seed: size);
        var expected = NaiveMedian(batch.Span.ToArray(), 9, 37, size);

        new MedianPreprocessor(new MedianOptions(size)).Apply(batch, new Random(1));

        Assert.Equal(expected, batch.Span.ToArray());
    }

    [Fact]
    public void WindowWiderThanImage_StillReflects()
    {
        var batch = TestImages.Grey(1, 2, 0f, 1f);
        var expected = NaiveMedian([0f, 1f], 1, 2, 5);

        new MedianPreprocessor(new MedianOptions(5)).Apply(batch, new Random(1));

        Assert.Equal(expected, batch.Span.ToArray());
    }

    private static float[] NaiveMedian(float[] image, int height, int width, int size)
    {
        static int Reflect(int i, int n)
        {
            while (i < 0 || i >= n)
            {
                i = i < 0 ? -i - 1 : (2 * n) - i - 1;
            }

            return i;
        }

        var result = new float[image.Length];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var window = new List<float>();
                for (var dy = -(size / 2); dy < size - (size / 2); dy++)
                {
                    for (var dx = -(size / 2); dx < size - (size / 2); dx++)
                    {
                        window.Add(image[(Reflect(y + dy, height) * width) + Reflect(x + dx, width)]);
                    }
                }

                window.Sort();
                result[(y * width) + x] = window[window.Count / 2];
            }
        }

        return result;
    }
}
