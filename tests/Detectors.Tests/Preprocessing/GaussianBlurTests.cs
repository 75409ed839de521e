using NeuralSec.Detectors.Preprocessing.GaussianBlur;
using NeuralSec.Detectors.Tests.Support;

namespace NeuralSec.Detectors.Tests.Preprocessing;

public sealed class GaussianBlurTests
{
    [Theory]
    [InlineData(0.5, 2)]
    [InlineData(1.0, 4)]
    [InlineData(2.5, 10)]
    public void Kernel_SumsToOne_IsSymmetric_TruncatedAtFourSigma(double sigma, int radius)
    {
        var kernel = new GaussianKernel(sigma);

        Assert.Equal(radius, kernel.Radius);
        Assert.Equal(1.0, kernel.Weights.Sum(w => (double)w), 6);
        for (var i = 0; i < kernel.Weights.Count; i++)
        {
            Assert.Equal(kernel.Weights[i], kernel.Weights[kernel.Weights.Count - 1 - i]);
        }

        Assert.Equal(kernel.Weights.Max(), kernel.Weights[radius]);
    }

    [Fact]
    public void ConstantImage_StaysConstant()
    {
        var batch = TestImages.Grey(5, 6, Enumerable.Repeat(0.3f, 30).ToArray());

        new GaussianBlurPreprocessor(new GaussianBlurOptions(1.0)).Apply(batch, new Random(1));

        Assert.All(batch.Span.ToArray(), v => Assert.Equal(0.3f, v, 5));
    }

    [Fact]
    public void Impulse_SpreadsAsOuterProductOfWeights()
    {
        var pixels = new float[21 * 21];
        pixels[(10 * 21) + 10] = 1;
        var batch = TestImages.Grey(21, 21, pixels);
        var preprocessor = new GaussianBlurPreprocessor(new GaussianBlurOptions(1.0));

        preprocessor.Apply(batch, new Random(1));

        var w = preprocessor.Kernel.Weights;
        Assert.Equal(w[4] * w[4], batch.Span[(10 * 21) + 10], 6);
        Assert.Equal(w[4] * w[5], batch.Span[(10 * 21) + 11], 6);
        Assert.Equal(w[2] * w[7], batch.Span[(12 * 21) + 7], 6);
        Assert.Equal(1.0, batch.Span.ToArray().Sum(v => (double)v), 5);
    }
}
