using NeuralSec.Detectors;

namespace NeuralSec.Gateway.Tests.Defenses;

/// <summary>JPEG re-encoding (quality 75) must keep the fixture classifier's clean accuracy within one point.</summary>
public sealed class JpegPurificationTests
{
    [Fact]
    public void Jpeg_round_trip_keeps_clean_accuracy_within_one_point()
    {
        using var model = FixtureModels.Load("mnist");
        var (images, labels) = FixtureModels.Digits(0, 1000);
        var plain = FixtureModels.Predict(model, images);

        var batch = FixtureModels.Batch(images.ToArray());
        DefenseFactory.CreatePreprocessor("jpeg", new Dictionary<string, object> { ["quality"] = 75L }).Apply(batch, new Random(1));
        var purified = FixtureModels.Predict(model, batch.Span.ToArray());

        var before = plain.Zip(labels).Count(p => p.First == p.Second) / 10.0;
        var after = purified.Zip(labels).Count(p => p.First == p.Second) / 10.0;
        Assert.True(Math.Abs(before - after) <= 1.0, $"accuracy {before}% → {after}% after JPEG q=75");
        Assert.True(before >= 97.0, $"clean accuracy {before}%");
    }
}
