using NeuralSec.Detectors.Detection;
using NeuralSec.Detectors.Detection.Strip;
using NeuralSec.Detectors.Images;
using NeuralSec.Detectors.Tests.Support;

namespace NeuralSec.Detectors.Tests.Detection;

public sealed class StripTests
{
    private static readonly ImageBatch Pool = new(Enumerable.Repeat(0.25f, 4 * 9).ToArray(), 4, 1, 3, 3);

    [Fact]
    public async Task TrojanedModel_AlwaysSameClass_ScoresNearZero()
    {
        var detector = new StripDetector(new StripOptions("pool", 20, Clip: false, Normalize: true), Pool);
        var trojaned = FakeModelRunner.Constant(100, 0, 0, 0, 0, 0, 0, 0, 0, 0);

        var result = await detector.ScoreAsync(TestImages.Random(1, 1, 3, 3), new DetectionContext(trojaned, new Random(1)), CancellationToken.None);

        Assert.True(result.Score < 1e-6);
        Assert.True(result.FlagsBelowThreshold);
        Assert.True(result.IsFlagged(0.1));
    }

    [Fact]
    public async Task UniformPredictions_ScoreOne_Normalised_OrLog2K_InBits()
    {
        var uniform = FakeModelRunner.Constant(new float[10]);
        var context = new DetectionContext(uniform, new Random(1));
        var image = TestImages.Random(1, 1, 3, 3);

        var normalised = await new StripDetector(new StripOptions("pool", 10, false, Normalize: true), Pool).ScoreAsync(image, context, CancellationToken.None);
        var bits = await new StripDetector(new StripOptions("pool", 10, false, Normalize: false), Pool).ScoreAsync(image, context, CancellationToken.None);

        Assert.Equal(1.0, normalised.Score, 5);
        Assert.Equal(Math.Log2(10), bits.Score, 5);
        Assert.False(normalised.IsFlagged(0.5));
    }

    [Fact]
    public async Task Blends_AreUnclippedSums_AllInOneCall()
    {
        var detector = new StripDetector(new StripOptions("pool", 7, Clip: false, Normalize: true), Pool);
        var model = FakeModelRunner.Constant(0, 0);
        var input = new ImageBatch(Enumerable.Repeat(0.9f, 2 * 9).ToArray(), 2, 1, 3, 3);

        await detector.ScoreAsync(input, new DetectionContext(model, new Random(1)), CancellationToken.None);

        var call = Assert.Single(model.Calls);
        Assert.Equal(14, call.Count);
        Assert.All(call.Span.ToArray(), v => Assert.Equal(1.15f, v, 5));
    }

    [Fact]
    public async Task Clip_CapsBlendsAtOne()
    {
        var detector = new StripDetector(new StripOptions("pool", 3, Clip: true, Normalize: true), Pool);
        var model = FakeModelRunner.Constant(0, 0);

        await detector.ScoreAsync(new ImageBatch(Enumerable.Repeat(0.9f, 9).ToArray(), 1, 1, 3, 3), new DetectionContext(model, new Random(1)), CancellationToken.None);

        Assert.All(model.Calls[0].Span.ToArray(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public async Task Clip_KeepsAStampedTrigger_AsBrightAsCrossingStrokes()
    {
        // 1×3 images: [stroke, background, trigger]. The overlay has a stroke where the input has one and nothing on the trigger,
        // as MNIST digits on their black background: unclipped, the stroke doubles and the trigger is half as bright as it.
        var pool = new ImageBatch(new[] { 1f, 0f, 0f }, 1, 1, 1, 3);
        var input = new ImageBatch(new[] { 1f, 0f, 1f }, 1, 1, 1, 3);
        var unclipped = FakeModelRunner.Constant(0, 0);
        var clipped = FakeModelRunner.Constant(0, 0);

        await new StripDetector(new StripOptions("pool", 1, Clip: false, Normalize: true), pool).ScoreAsync(input, new DetectionContext(unclipped, new Random(1)), CancellationToken.None);
        await new StripDetector(new StripOptions("pool", 1, Clip: true, Normalize: true), pool).ScoreAsync(input, new DetectionContext(clipped, new Random(1)), CancellationToken.None);

        Assert.Equal([2f, 0f, 1f], unclipped.Calls[0].Span.ToArray());
        Assert.Equal([1f, 0f, 1f], clipped.Calls[0].Span.ToArray());
    }

    [Fact]
    public async Task PoolOfOtherGeometry_IsAClearError()
    {
        var detector = new StripDetector(new StripOptions("mnist-pool", 3, false, true), Pool);

        var error = await Assert.ThrowsAsync<ImageTensorException>(async () =>
            await detector.ScoreAsync(TestImages.Random(1, 3, 3, 3), new DetectionContext(FakeModelRunner.Constant(0), new Random(1)), CancellationToken.None));

        Assert.Contains("mnist-pool", error.Message);
    }
}
