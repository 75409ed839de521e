using NeuralSec.Detectors.Calibration;
using NeuralSec.Detectors.Detection;
using NeuralSec.Detectors.Detection.Statistics;
using NeuralSec.Detectors.Images;
using NeuralSec.Detectors.Tests.Support;

namespace NeuralSec.Detectors.Tests.Detection;

public sealed class StatisticsTests
{
    [Fact]
    public void Features_OnHandMadeImage()
    {
        // 2×2: 0, 0.5, 1, 0.5 → mean .5, std √(.125), one… two mid-grey of four, TV = (|.5|+|−.5|)/2 + (|1|+|0|)/2 = 1.
        float[] image = [0, 0.5f, 1, 0.5f];

        Assert.Equal(0.5, ImageFeatures.Compute(ImageFeature.Mean, image, 1, 2, 2, 0.1, 0.9), 6);
        Assert.Equal(Math.Sqrt(0.125), ImageFeatures.Compute(ImageFeature.Std, image, 1, 2, 2, 0.1, 0.9), 6);
        Assert.Equal(0.5, ImageFeatures.Compute(ImageFeature.MidGrey, image, 1, 2, 2, 0.1, 0.9), 6);
        Assert.Equal(1.0, ImageFeatures.Compute(ImageFeature.TotalVariation, image, 1, 2, 2, 0.1, 0.9), 6);
        Assert.Equal(0.0, ImageFeatures.Compute(ImageFeature.OutOfRange, image, 1, 2, 2, 0.1, 0.9), 6);
    }

    [Fact]
    public async Task Score_IsLargestDistanceInBenignSigmas()
    {
        var detector = new StatisticsDetector(new StatisticsOptions([ImageFeature.Mean, ImageFeature.MidGrey], [0.2, 0.1], [0.05, 0.1], 0.1, 0.9));

        // Mean 0.25 → 1σ; mid-grey fraction 0.5 → 4σ.
        var result = await detector.ScoreAsync(TestImages.Grey(1, 4, 0f, 0.5f, 0.5f, 0f), new DetectionContext(FakeModelRunner.Constant(0), new Random(1)), CancellationToken.None);

        Assert.Equal(4.0, result.Score, 6);
    }

    [Fact]
    public void Baseline_FittedOnDigits_FlagsLInfinityNoise()
    {
        // MNIST-like: black background with a white bar; the attack adds ±0.3 everywhere (clipped), lifting the background.
        var benign = Digits(20, seed: 1);
        var baseline = StatisticsBaseline.Fit(benign);
        var detector = (IDetector)DefenseFactory.CreateDetector("statistics", baseline.ToOptions());
        var attacked = Digits(1, seed: 99);
        var random = new Random(5);
        var span = attacked.Span;
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = Math.Clamp(span[i] + (random.Next(2) == 0 ? -0.3f : 0.3f), 0, 1);
        }

        var clean = ((StatisticsDetector)detector).Score(Digits(5, seed: 50));
        var adversarial = ((StatisticsDetector)detector).Score(attacked);

        Assert.True(clean.Max() < 4, $"clean max {clean.Max()}");
        Assert.True(adversarial[0] > 10, $"attacked {adversarial[0]}");
    }

    private static ImageBatch Digits(int count, int seed)
    {
        var random = new Random(seed);
        var data = new float[count * 28 * 28];
        for (var n = 0; n < count; n++)
        {
            var column = random.Next(8, 20);
            for (var y = 4; y < 24; y++)
            {
                for (var x = column; x < column + 3 + random.Next(2); x++)
                {
                    data[(n * 784) + (y * 28) + x] = 0.95f + (float)(random.NextDouble() * 0.05);
                }
            }
        }

        return new ImageBatch(data, count, 1, 28, 28);
    }
}
