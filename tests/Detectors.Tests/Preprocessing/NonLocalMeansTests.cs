using NeuralSec.Detectors.Preprocessing.NonLocalMeans;
using NeuralSec.Detectors.Tests.Support;

namespace NeuralSec.Detectors.Tests.Preprocessing;

public sealed class NonLocalMeansTests
{
    [Fact]
    public void ConstantImage_StaysConstant()
    {
        var batch = TestImages.Grey(8, 8, Enumerable.Repeat(0.4f, 64).ToArray());

        new NonLocalMeansPreprocessor(new NonLocalMeansOptions(7, 3, 10)).Apply(batch, new Random(1));

        Assert.All(batch.Span.ToArray(), v => Assert.Equal(0.4f, v, 5));
    }

    [Fact]
    public void ReducesNoise_KeepsEdge()
    {
        // Left half dark, right half bright, plus small noise: strong NLM smooths each half without blurring across the edge.
        var random = new Random(2);
        var pixels = new float[16 * 16];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (i % 16 < 8 ? 0.2f : 0.8f) + (float)((random.NextDouble() - 0.5) * 0.1);
        }

        var batch = TestImages.Grey(16, 16, pixels.ToArray());

        new NonLocalMeansPreprocessor(new NonLocalMeansOptions(7, 3, 20)).Apply(batch, new Random(1));

        var result = batch.Span.ToArray();
        double Error(float[] image) => image.Select((v, i) => Math.Abs(v - (i % 16 < 8 ? 0.2 : 0.8))).Average();
        Assert.True(Error(result) < Error(pixels) / 2, $"noise {Error(pixels)} → {Error(result)}");
        Assert.True(result[(8 * 16) + 7] < 0.3 && result[(8 * 16) + 8] > 0.7, "edge kept");
    }
}
