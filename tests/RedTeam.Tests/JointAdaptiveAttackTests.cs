using NeuralSec.Detectors;
using NeuralSec.Detectors.Calibration;
using NeuralSec.Detectors.Detection;
using NeuralSec.Detectors.Preprocessing;
using NeuralSec.RedTeam.Attacks;
using NeuralSec.RedTeam.Evaluation;
using NeuralSec.RedTeam.Models;

namespace NeuralSec.RedTeam.Tests;

/// <summary>The fully adaptive attacker's parts: the statistics it differentiates are the detector's, its budgets hold,
/// it breaks an undefended model, and the answer rules it is judged by grade as a policy would.</summary>
public sealed class JointAdaptiveAttackTests : IClassFixture<Fixture>
{
    private readonly Fixture fixture;

    public JointAdaptiveAttackTests(Fixture fixture)
    {
        this.fixture = fixture;
    }

    private StatisticsBaseline Baseline => StatisticsBaseline.Fit(Digits.AsBatch(fixture.Data.Calibration.Images));

    private static IPreprocessor[] Squeezers =>
    [
        DefenseFactory.CreatePreprocessor("bitDepth", new Dictionary<string, object>(StringComparer.Ordinal) { ["bits"] = 1L }),
        DefenseFactory.CreatePreprocessor("median", new Dictionary<string, object>(StringComparer.Ordinal) { ["size"] = 2L }),
    ];

    [Fact]
    public async Task The_statistics_score_the_attacker_computes_is_the_detectors()
    {
        var baseline = Baseline;
        var digits = fixture.Data.Evaluation.Slice(0, 20);
        var noisy = digits.Images.Select((v, i) => Math.Clamp(v + (i % 7 == 0 ? 0.3f : 0f), 0f, 1f)).ToArray();
        var detector = DefenseFactory.CreateDetector("statistics", baseline.ToOptions());
        var expected = await DetectorScoring.ScoreAsync(detector, Digits.AsBatch(noisy), DetectionEvaluation.Context(fixture.Models), CancellationToken.None);
        var gradient = new StatisticsGradient(baseline);
        for (var i = 0; i < digits.Count; i++)
        {
            var score = gradient.AddGradient(noisy.AsSpan(i * 784, 784), 3, 0.8f, 1, new float[784]);
            Assert.Equal(expected[i], score, 6);
        }
    }

    [Fact]
    public void The_statistics_gradient_points_downhill()
    {
        // A digit with noise on its background scores high; a small step against the gradient lowers the score.
        var gradient = new StatisticsGradient(Baseline);
        var x = fixture.Data.Evaluation.Slice(0, 1).Images.Select((v, i) => v < 0.05f && i % 3 == 0 ? 0.25f : v).ToArray();
        var g = new float[784];
        var before = gradient.AddGradient(x, 1, 0f, 1, g);
        var stepped = x.Select((v, i) => Math.Clamp(v - (0.01f * MathF.Sign(g[i])), 0f, 1f)).ToArray();
        var after = gradient.AddGradient(stepped, 1, 0f, 1, new float[784]);
        Assert.True(before > 3, $"the noisy digit should be far from the benign statistics (score {before})");
        Assert.True(after < before, $"score {before} → {after}: the step should lower it");
    }

    [Theory]
    [InlineData("LInf", 0.3f, false)]
    [InlineData("L2", 3f, false)]
    [InlineData("L0", 20f, true)]
    public void Budgets_hold_and_an_undefended_model_breaks(string normName, float epsilon, bool digitOnly)
    {
        var norm = Enum.Parse<AttackNorm>(normName);
        var mnist = fixture.Models.Get(FixtureModels.Classifier).Network;
        var autoencoder = fixture.Models.Get(FixtureModels.Autoencoder).Network;
        var digits = fixture.Data.Evaluation.Slice(0, 40);
        var settings = new JointAttackSettings(norm, epsilon, norm == AttackNorm.L0 ? 20 : 40, digitOnly);
        // Undefended: the answer is the model's own; thresholds so high that no penalty is active.
        var adv = JointAdaptiveAttack.Run(mnist, autoencoder, Squeezers, new StatisticsGradient(Baseline), new JointAttackTargets(1e9, 1e9, 1e9),
            (_, label, _) => label, settings, digits.Images, digits.Labels);

        Assert.True(Classify.Accuracy(mnist, adv, digits.Labels) < 0.3, $"{settings.Name} should break the undefended model");
        for (var i = 0; i < digits.Count; i++)
        {
            var clean = digits.Images.AsSpan(i * 784, 784);
            var x = adv.AsSpan(i * 784, 784);
            var (linf, l2, l0, background) = (0f, 0f, 0, false);
            for (var j = 0; j < 784; j++)
            {
                var d = Math.Abs(x[j] - clean[j]);
                (linf, l2, l0) = (Math.Max(linf, d), l2 + (d * d), l0 + (d > 1e-6f ? 1 : 0));
                background |= d > 1e-6f && Far(clean, j);
            }

            var used = norm switch { AttackNorm.LInf => linf, AttackNorm.L2 => MathF.Sqrt(l2), _ => l0 };
            Assert.True(used <= epsilon + 1e-4f, $"digit {i}: {norm} {used} over the budget {epsilon}");
            Assert.False(digitOnly && background, $"digit {i}: a digit-only attack wrote on the background");
        }
    }

    [Fact]
    public void Answer_rules_refuse_before_they_repair()
    {
        var rule = new ResponsePolicy("graded", "test", Repair: [1, 1], Refuse: [5, double.PositiveInfinity]);

        Assert.Equal(7, rule.Answer([0.5, 0.5], label: 7, repairedLabel: 3));
        Assert.Equal(3, rule.Answer([0.5, 2], label: 7, repairedLabel: 3));
        Assert.Null(rule.Answer([6, 0], label: 7, repairedLabel: 3));
        Assert.Equal(3, rule.Answer([0, 100], label: 7, repairedLabel: 3)); // the second member never refuses
        Assert.True(rule.Repairs([2, 0]));
        Assert.False(rule.Repairs([6, 0]));
    }

    /// <summary>More than two pixels from every stroke pixel (&gt; 0.05) of the clean digit.</summary>
    private static bool Far(ReadOnlySpan<float> clean, int j)
    {
        var (y, x) = (j / 28, j % 28);
        for (var dy = -2; dy <= 2; dy++)
        {
            for (var dx = -2; dx <= 2; dx++)
            {
                var (yy, xx) = (y + dy, x + dx);
                if (yy is >= 0 and < 28 && xx is >= 0 and < 28 && clean[(yy * 28) + xx] > 0.05f)
                {
                    return false;
                }
            }
        }

        return true;
    }
}
