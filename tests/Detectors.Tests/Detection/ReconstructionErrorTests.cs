using NeuralSec.Detectors.Detection;
using NeuralSec.Detectors.Detection.ReconstructionError;
using NeuralSec.Detectors.Tests.Support;

namespace NeuralSec.Detectors.Tests.Detection;

public sealed class ReconstructionErrorTests
{
    [Theory]
    [InlineData(1, 0.1)]
    [InlineData(2, 0.01)]
    public async Task Error_IsMeanPowerOfAbsoluteDifference(int power, double expected)
    {
        var detector = new ReconstructionErrorDetector(new ReconstructionErrorOptions("ae", ReconstructionMetric.Error, power, 10));
        var autoencoder = new FakeModelRunner(batch => batch.Span.ToArray().Select(v => v + 0.1f).ToArray());
        var classifier = FakeModelRunner.Constant(0, 0);

        var result = await detector.ScoreAsync(TestImages.Random(2, 1, 5, 5), Context(classifier, autoencoder), CancellationToken.None);

        Assert.Equal(expected, result.ImageScores[0], 5);
        Assert.Equal(expected, result.ImageScores[1], 5);
        Assert.Single(autoencoder.Calls);
        Assert.Empty(classifier.Calls);
        Assert.Equal(["ae"], detector.AuxiliaryModels);
    }

    [Fact]
    public async Task Divergence_IsJensenShannonOfClassifierOutputs_OneBatchedCall()
    {
        var detector = new ReconstructionErrorDetector(new ReconstructionErrorOptions("ae", ReconstructionMetric.Divergence, 2, 1));
        var autoencoder = new FakeModelRunner(batch => batch.Span.ToArray());

        // Rows: x → (0.5, 0.5); AE(x) → (1, 0). M = (0.75, 0.25).
        var classifier = FakeModelRunner.Rows([0.5f, 0.5f], [1f, 0f]);

        var result = await detector.ScoreAsync(TestImages.Random(1, 1, 3, 3), Context(classifier, autoencoder), CancellationToken.None);

        var expected = (0.5 * ((0.5 * Math.Log(0.5 / 0.75)) + (0.5 * Math.Log(0.5 / 0.25)))) + (0.5 * Math.Log(1 / 0.75));
        Assert.Equal(expected, result.Score, 5);
        Assert.Equal(2, Assert.Single(classifier.Calls).Count);
    }

    [Fact]
    public async Task MissingAutoencoder_IsAClearError()
    {
        var detector = new ReconstructionErrorDetector(new ReconstructionErrorOptions("mnist-autoencoder", ReconstructionMetric.Error, 2, 1));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await detector.ScoreAsync(TestImages.Random(1, 1, 3, 3), new DetectionContext(FakeModelRunner.Constant(0), new Random(1)), CancellationToken.None));

        Assert.Contains("mnist-autoencoder", error.Message);
    }

    private static DetectionContext Context(FakeModelRunner classifier, FakeModelRunner autoencoder) =>
        new(classifier, new Random(1), name => name == "ae" ? autoencoder : null);
}
