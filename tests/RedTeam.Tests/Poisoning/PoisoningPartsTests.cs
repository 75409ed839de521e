using NeuralSec.Data;
using NeuralSec.RedTeam.Models;
using NeuralSec.RedTeam.Poisoning;

namespace NeuralSec.RedTeam.Tests.Poisoning;

/// <summary>The pieces of the poisoning section on the committed <c>mnist</c> and a few digits.</summary>
public sealed class PoisoningPartsTests : IClassFixture<Fixture>
{
    private readonly Fixture fixture;

    public PoisoningPartsTests(Fixture fixture)
    {
        this.fixture = fixture;
    }

    [Fact]
    public void Flip_replaces_exactly_the_share_of_labels_asked_for_by_wrong_classes_and_leaves_the_images()
    {
        var split = fixture.Data.Calibration;

        var (flipped, count) = LabelFlipping.Flip(split, 0.25, seed: 3);

        Assert.Equal(25, count);
        Assert.Equal(count, flipped.Labels.Zip(split.Labels).Count(p => p.First != p.Second));
        Assert.All(flipped.Labels, y => Assert.InRange(y, 0, 9));
        Assert.Same(split.Images, flipped.Images);
        Assert.Equal(flipped.Labels, LabelFlipping.Flip(split, 0.25, seed: 3).Flipped.Labels);
        Assert.NotEqual(flipped.Labels, LabelFlipping.Flip(split, 0.25, seed: 4).Flipped.Labels);
    }

    [Fact]
    public void Paper_beta_is_the_reference_rule()
    {
        Assert.Equal(0.25 * Math.Pow(2048.0 / (299 * 299 * 3), 2), FeatureCollision.PaperBeta(2048, 299 * 299 * 3), 15);
        Assert.Equal(0.006664, FeatureCollision.PaperBeta(128, 784), 6);
    }

    [Fact]
    public void The_feature_space_with_its_own_head_is_the_classifier()
    {
        var mnist = fixture.Models.Get(FixtureModels.Classifier).Network;
        var space = FeatureSpace.Of(mnist);
        var digits = fixture.Data.Evaluation.Slice(0, 16).Images;

        var logits = space.WithHead(space.Head).Predict(digits);

        Assert.Equal(128, space.Dimension);
        Assert.Equal(mnist.Predict(digits), logits);
    }

    [Fact]
    public void Crafting_pulls_poisons_toward_the_target_in_feature_space_and_a_huge_beta_keeps_them_at_their_base()
    {
        var space = FeatureSpace.Of(fixture.Models.Get(FixtureModels.Classifier).Network);
        var split = fixture.Data.Evaluation;
        var target = split.Select([Enumerable.Range(0, split.Count).First(i => split.Labels[i] == 6)]);
        var bases = split.Select(Enumerable.Range(0, split.Count).Where(i => split.Labels[i] == 2).Take(2).ToArray());
        var targetFeatures = space.Features(target.Images);
        float[] repeated = [.. targetFeatures, .. targetFeatures];

        var free = FeatureCollision.Craft(space, bases.Images, repeated, beta: 0.001, iterations: 30);
        var held = FeatureCollision.Craft(space, bases.Images, repeated, beta: 1e6, iterations: 30);

        double FeatureDistance(float[] images, int i) =>
            Math.Sqrt(FeatureCollision.SquaredDistance(space.Features(images).AsSpan(i * 128, 128), targetFeatures));
        for (var i = 0; i < 2; i++)
        {
            Assert.True(FeatureDistance(free, i) < 0.5 * FeatureDistance(bases.Images, i), $"poison {i} did not close half the feature distance");
            Assert.True(Math.Sqrt(FeatureCollision.SquaredDistance(held.AsSpan(i * MnistSplit.Pixels, MnistSplit.Pixels), bases.Image(i))) < 0.05);
        }

        Assert.All(free, p => Assert.InRange(p, 0f, 1f));
    }

    [Fact]
    public void Fine_tuning_returns_a_new_head_and_leaves_the_pretrained_one_alone()
    {
        var space = FeatureSpace.Of(fixture.Models.Get(FixtureModels.Classifier).Network);
        var before = space.Head.Weight.Value.ToArray();
        var digits = fixture.Data.Calibration;
        var features = space.Features(digits.Images);
        var wrong = digits.Labels.Select(y => (byte)((y + 1) % 10)).ToArray();

        var untouched = LastLayerFineTune.Train(space.Head, features, digits.Labels, epochs: 0, seed: 1);
        var relabelled = LastLayerFineTune.Train(space.Head, features, wrong, epochs: 300, seed: 1);

        Assert.Equal(before, space.Head.Weight.Value);
        Assert.Equal(Classify.Predict(space.WithHead(space.Head), digits.Images), LastLayerFineTune.Predict(untouched, features));
        var fitted = LastLayerFineTune.Predict(relabelled, features).Zip(wrong).Count(p => p.First == p.Second);
        Assert.True(fitted > 80, $"300 epochs (600 steps) fitted only {fitted} of 100 shifted labels");
        Assert.NotSame(space.Head, relabelled);
    }
}
