using NeuralSec.Detectors.Detection;
using NeuralSec.Detectors.Detection.FeatureSqueezing;
using NeuralSec.Detectors.Preprocessing.BitDepth;
using NeuralSec.Detectors.Preprocessing.Median;
using NeuralSec.Detectors.Tests.Support;

namespace NeuralSec.Detectors.Tests.Detection;

public sealed class FeatureSqueezingTests
{
    [Fact]
    public async Task Score_IsMaxL1BetweenSoftmaxes_InOneBatchedCall()
    {
        var detector = new FeatureSqueezingDetector(new FeatureSqueezingOptions(["bitDepth1", "median2"]));
        var input = TestImages.Random(1, 1, 6, 6);
        var original = input.Span.ToArray();
        var model = FakeModelRunner.Rows([0.7f, 0.2f, 0.1f], [0.5f, 0.3f, 0.2f], [0.7f, 0.1f, 0.2f]);

        var result = await detector.ScoreAsync(input, new DetectionContext(model, new Random(1)), CancellationToken.None);

        // L1 to bitDepth1 copy: .2 + .1 + .1 = .4; to median2 copy: 0 + .1 + .1 = .2 → max .4.
        Assert.Equal(0.4, result.Score, 5);
        Assert.False(result.FlagsBelowThreshold);
        var call = Assert.Single(model.Calls);
        Assert.Equal(3, call.Count);
        Assert.Equal(original, call.Slice(0, 1).Span.ToArray());
        Assert.Equal(Squeezed(original, new BitDepthPreprocessor(new BitDepthOptions(1))), call.Slice(1, 1).Span.ToArray());
        Assert.Equal(Squeezed(original, new MedianPreprocessor(new MedianOptions(2))), call.Slice(2, 1).Span.ToArray());
        Assert.Equal(original, input.Span.ToArray());
    }

    [Fact]
    public async Task Batch_IsOrderedOriginalsThenEachSqueezer_ScoresPerImage()
    {
        var detector = new FeatureSqueezingDetector(new FeatureSqueezingOptions(["bitDepth1"]));
        var input = TestImages.Random(2, 1, 4, 4);

        // Rows: x1, x2, s(x1), s(x2).
        var model = FakeModelRunner.Rows([1f, 0f], [0.5f, 0.5f], [0f, 1f], [0.5f, 0.5f]);
        var result = await detector.ScoreAsync(input, new DetectionContext(model, new Random(1)), CancellationToken.None);

        Assert.Equal(4, Assert.Single(model.Calls).Count);
        Assert.Equal(2.0, result.ImageScores[0], 5);
        Assert.Equal(0.0, result.ImageScores[1], 5);
        Assert.Equal(2.0, result.Score, 5);
        Assert.True(result.IsFlagged(1.0));
    }

    [Fact]
    public async Task MalformedModelOutput_IsAClearError()
    {
        var detector = new FeatureSqueezingDetector(new FeatureSqueezingOptions(["bitDepth1"]));
        var model = new FakeModelRunner(_ => new float[3]);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await detector.ScoreAsync(TestImages.Random(1, 1, 4, 4), new DetectionContext(model, new Random(1)), CancellationToken.None));

        Assert.Contains("expected [N, classes]", error.Message);
    }

    private static float[] Squeezed(float[] image, NeuralSec.Detectors.Preprocessing.IPreprocessor squeezer)
    {
        var batch = TestImages.Grey(6, 6, image.ToArray());
        squeezer.Apply(batch, new Random(1));
        return batch.Span.ToArray();
    }
}
