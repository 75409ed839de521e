using NeuralSec.Detectors;
using NeuralSec.RedTeam.Attacks;
using NeuralSec.RedTeam.Models;

namespace NeuralSec.RedTeam.Tests;

public sealed class AttackTests : IClassFixture<Fixture>
{
    private readonly Fixture fixture;

    public AttackTests(Fixture fixture)
    {
        this.fixture = fixture;
    }

    [Fact]
    public void SqueezeAwarePgdWithoutTheDetectorTermIsPlainPgd()
    {
        var mnist = fixture.Models.Get(FixtureModels.Classifier).Network;
        var digits = fixture.Data.Evaluation.Slice(0, 50);
        var adv = SqueezeAwarePgd.Perturb(mnist, [], digits.Images, digits.Labels, 0.2f, 20, 0f, threshold: -1);
        Assert.True(Classify.Accuracy(mnist, adv, digits.Labels) < 0.2, "PGD at ε=0.2 should break the undefended model");
        Assert.True(adv.Zip(digits.Images).All(p => Math.Abs(p.First - p.Second) <= 0.2f + 1e-6f));
    }

    [Fact]
    public void SelectionMapReproducesRandomResizePad()
    {
        var chain = PurificationChain.Standard().Single(c => c.IsPixelSelection);
        var digits = fixture.Data.Evaluation.Slice(0, 8);
        var purified = chain.Apply(digits.Images, new Random(5));
        var map = chain.SelectionMap(digits.Count, new Random(5));
        for (var i = 0; i < map.Length; i++)
        {
            var expected = map[i] < 0 ? 0f : digits.Images[((i / 784) * 784) + map[i]];
            Assert.Equal(expected, purified[i]);
        }
    }

    [Fact]
    public void BpdaAgainstIdentityEqualsTheLabsPgd()
    {
        var mnist = fixture.Models.Get(FixtureModels.Classifier).Network;
        var digits = fixture.Data.Evaluation.Slice(0, 20);
        var spec = new AttackSpec("pgd", 0.1f, false);
        var options = spec.Options(1) with { Steps = 5 };
        var lab = NeuralSec.Lab.Attacks.Pgd.Perturb(mnist, digits.Images, digits.Labels, null, options);
        var ours = BpdaAttack.Perturb(mnist, PurificationChain.None, digits.Images, digits.Labels, null, options, 10);
        Assert.Equal(lab, ours);
    }

    [Fact]
    public void ChainsAreBuiltByTheDefenseFactory()
    {
        Assert.Equal(5, PurificationChain.Standard().Count);
        Assert.Single(PurificationChain.Standard(), c => c.IsRandomized);
        Assert.Throws<DefenseConfigurationException>(() => PurificationChain.Create("bad", ("bitDepth", new Dictionary<string, object> { ["bits"] = 99L })));
    }
}
