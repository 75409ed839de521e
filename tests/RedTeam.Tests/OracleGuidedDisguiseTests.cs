using Grpc.Core;
using NeuralSec.RedTeam.Models;
using NeuralSec.RedTeam.Stream;

namespace NeuralSec.RedTeam.Tests;

/// <summary>The OARS-style attacker's learning disguise and the referee that keeps the transform's own effect out of
/// its successes: the disguise grows only on the stream defense's refusals, within its bounds; a drawn transform
/// applies the same way twice; the referee tells a wrong answer the model gives from one the disguise explains and
/// from one the model would not give (misinformation).</summary>
public sealed class OracleGuidedDisguiseTests(Fixture fixture) : IClassFixture<Fixture>
{
    private static QueryOutcome Refused(string reason) => new("acct", "id", null, StatusCode.PermissionDenied, reason);

    private static QueryOutcome Answered() => new("acct", "id", [1f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f], StatusCode.OK, null);

    [Fact]
    public void The_disguise_grows_on_refusals_as_suspicious_only_and_stops_at_its_maximum()
    {
        var disguise = OracleGuidedDisguise.Learning();
        Assert.Equal(0.5f, disguise.Magnitude);
        Assert.Equal([0.5f, 0.75f, 1.125f, 1.6875f, 2.5f], disguise.Ladder);
        Assert.Equal(QueryTransform.UprightAware.MaxShear * 0.5f, disguise.Current.MaxShear);

        Assert.False(disguise.Observe(Answered()));
        Assert.False(disguise.Observe(Refused("suspicious_input")));
        Assert.False(disguise.Observe(Refused("rate_limited")));
        Assert.Equal(0.5f, disguise.Magnitude);

        Assert.True(disguise.Observe(Refused(QueryOutcome.SuspiciousActivity)));
        Assert.Equal(0.75f, disguise.Magnitude);
        Assert.Equal(QueryTransform.UprightAware.MaxDegrees * 0.75f, disguise.Current.MaxDegrees);
        for (var i = 0; i < 10; i++)
        {
            disguise.Observe(Refused(QueryOutcome.SuspiciousActivity));
        }

        Assert.Equal(2.5f, disguise.Magnitude);
        Assert.Equal(QueryTransform.UprightAware.Noise * 2.5f, disguise.Current.Noise, 6);
        Assert.False(disguise.Observe(Refused(QueryOutcome.SuspiciousActivity)));
    }

    [Fact]
    public void A_fixed_disguise_never_changes()
    {
        var disguise = OracleGuidedDisguise.Fixed(QueryTransform.ViewAware);
        Assert.False(disguise.Observe(Refused(QueryOutcome.SuspiciousActivity)));
        Assert.Equal(QueryTransform.ViewAware, disguise.Current);
        Assert.Equal([1f], disguise.Ladder);
    }

    [Fact]
    public void A_drawn_transform_applies_the_same_way_twice_and_as_the_transform_does_from_the_same_seed()
    {
        var digit = fixture.Data.Evaluation.Image(0).ToArray();
        var draw = QueryTransform.UprightAware.Draw(new Random(7));
        Assert.Equal(draw.Apply(digit), draw.Apply(digit));
        Assert.Equal(QueryTransform.UprightAware.Apply(digit, new Random(7)), draw.Apply(digit));
        Assert.NotEqual(digit, draw.Apply(digit));
    }

    [Fact]
    public void The_referee_tells_an_adversarial_answer_from_the_transform_s_and_from_misinformation()
    {
        var served = fixture.Models.Get(FixtureModels.Classifier).Network;
        var digits = fixture.Data.Evaluation;
        var digit = digits.Image(0).ToArray();
        var other = digits.Image(Enumerable.Range(1, digits.Count - 1).First(i => digits.Labels[i] != digits.Labels[0])).ToArray();
        var referee = DisguiseBaseline.Referee(served, digit);
        var random = new Random(3);

        // A harmless disguise of the digit itself, answered with a wrong label: the model would not say so — misinformation.
        var harmless = new QueryTransform(MaxShift: 0, Brightness: 0, Noise: 0.01f);
        Assert.All(Enumerable.Range(0, 20), _ =>
        {
            var draw = harmless.Draw(random);
            Assert.Equal(SuccessClaim.Misinformed, referee(draw.Apply(digit), draw));
        });
        Assert.Equal(SuccessClaim.Misinformed, referee(digit, null));

        // A query the model does misclassify (here: a digit of another class) under a harmless disguise: adversarial.
        var mild = harmless.Draw(random);
        Assert.Equal(SuccessClaim.Adversarial, referee(mild.Apply(other), mild));
        Assert.Equal(SuccessClaim.Adversarial, referee(other, null));

        // Shifted 27 px the digit leaves the image: when that is misclassified, the transform did it.
        var wipe = new QueryTransform(MaxShift: 27, Brightness: 0, Noise: 0);
        Assert.Contains(Enumerable.Range(0, 20), _ =>
        {
            var draw = wipe.Draw(random);
            return referee(draw.Apply(other), draw) == SuccessClaim.TransformAlone;
        });

        Assert.Equal(0, Assert.Single(DisguiseBaseline.FlipRates(served, [digit], harmless, [1f], draws: 50, seed: 1)).Flipped);
        var wiped = Assert.Single(DisguiseBaseline.FlipRates(served, [digit], wipe, [1f], draws: 50, seed: 1)).Flipped;
        Assert.True(wiped > 0.2, $"a 27-px shift flips {wiped:P0}");
    }
}
