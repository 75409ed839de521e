using System.Text;
using System.Text.Json;
using NeuralSec.RedTeam.Poisoning;

namespace NeuralSec.RedTeam.Tests.Poisoning;

/// <summary>
/// The quick poisoning run end to end: every experiment must do what it claims (a clean twin trains, flipped labels cost
/// accuracy, the backdoor works and STRIP sees it, feature collision moves poisons toward the target only as far as β lets
/// it), and the results must serialise and render.
/// </summary>
public sealed class PoisoningQuickRunTests : IClassFixture<QuickPoisoningRun>
{
    private readonly PoisoningResults results;

    public PoisoningQuickRunTests(QuickPoisoningRun run)
    {
        results = run.Results;
    }

    [Fact]
    public void Label_flipping_trains_a_working_clean_twin_and_forty_percent_flips_cost_accuracy()
    {
        var rows = results.LabelFlipping.Rows;
        Assert.Equal([0, 0.10, 0.25, 0.40], rows.Select(r => r.Rate));
        Assert.All(rows, r => Assert.Equal((int)Math.Round(r.Rate * results.LabelFlipping.TrainDigits), r.Flipped));
        Assert.True(rows[0].TestAccuracy > 0.90, $"the clean-label model reaches only {rows[0].TestAccuracy:P2}");
        Assert.True(rows[^1].TestAccuracy < rows[0].TestAccuracy, $"40 % flipped labels: {rows[^1].TestAccuracy:P2}, clean labels: {rows[0].TestAccuracy:P2}");
    }

    [Fact]
    public void Feature_collision_moves_poisons_toward_the_target_only_as_far_as_beta_lets_them()
    {
        var c = results.FeatureCollision;
        Assert.Equal(0, c.ControlSuccesses);
        var paper = c.Settings[0];
        var large = c.Settings[^1];
        Assert.Equal(FeatureCollision.PaperBeta(c.FeatureDimension, 784), paper.Beta, 12);
        Assert.True(paper.FeatureDistanceRatio < large.FeatureDistanceRatio, $"paper β leaves {paper.FeatureDistanceRatio:F3} of the feature distance, β = {large.Beta} {large.FeatureDistanceRatio:F3}");
        Assert.True(paper.FeatureDistanceRatio < 0.5, $"the paper's β closes only {1 - paper.FeatureDistanceRatio:P0} of the feature distance");
        Assert.True(paper.MeanL2ToBase > large.MeanL2ToBase);
        Assert.All(c.Settings, s => Assert.InRange(s.MeanLinfToBase, 0, 1));

        // β = 30 keeps every poison a base-class digit to the independent robust model, and no target moves.
        Assert.True(large.PoisonsReadAsBase > 0.9, $"mnist-adv reads {large.PoisonsReadAsBase:P0} of the β = {large.Beta} poisons as the base");
        Assert.All(large.Rows, r => Assert.Equal(0, r.Successes));
        Assert.Equal([1, 5, 10], paper.Rows.Select(r => r.Poisons));
        Assert.True(paper.Rows[^1].Successes >= paper.Rows[0].Successes);
        Assert.All(c.FineTuneSweep, l => Assert.Equal(0, l.ControlSuccesses));
    }

    [Fact]
    public void The_backdoor_works_and_strip_flags_most_triggered_digits_at_its_calibrated_threshold()
    {
        var b = results.Backdoor;
        Assert.True(b.AttackSuccessRate > 0.9, $"attack success {b.AttackSuccessRate:P1}");
        Assert.True(b.CleanModelTriggeredAsTarget < 0.05, "the never-poisoned mnist must not read the trigger as a 7");
        Assert.True(b.CleanAccuracy > 0.95);
        var strip = b.Detectors.First(d => d.Detector == "strip");
        var triggered = strip.Sets.Single(s => s.Set == BackdoorEvaluation.TriggeredSet);
        var clean = strip.Sets.Single(s => s.Set == BackdoorEvaluation.CleanSet);
        Assert.True(triggered.Rate > 0.8, $"STRIP flags {triggered.Rate:P1} of triggered digits");
        Assert.True(clean.Rate < 0.1, $"STRIP flags {clean.Rate:P1} of clean digits");
        Assert.Contains(b.Detectors, d => d.Detector.StartsWith("reconstructionError", StringComparison.Ordinal));
    }

    [Fact]
    public void Input_only_detectors_see_the_collision_targets_as_the_clean_digits_they_are_and_catch_the_paper_beta_poisons()
    {
        var d = results.CollisionDetection;
        var inputOnly = d.Detectors.Where(x => x.Detector.StartsWith("reconstructionError", StringComparison.Ordinal) || x.Detector == "statistics").ToArray();
        Assert.Equal(3, inputOnly.Length);
        Assert.All(inputOnly, x => Assert.Equal(0, x.Sets.Single(s => s.Set == CollisionDetection.TargetSet).Flagged));

        // The paper-β poisons are pushed off the digit manifold (L∞ near 1): the autoencoder flags most of them as inputs.
        var paperPoisons = CollisionDetection.PoisonSet(results.FeatureCollision.Settings[0].Name);
        var reconstruction = inputOnly.First(x => x.Detector == "reconstructionError p=2").Sets.Single(s => s.Set == paperPoisons);
        Assert.True(reconstruction.Rate > 0.5, $"reconstruction error flags {reconstruction.Rate:P0} of the paper-β poisons");
        Assert.Single(d.Detectors, x => x.Detector == "strip");
    }

    [Fact]
    public void The_results_serialise_with_default_options_and_read_back_unchanged()
    {
        var json = JsonSerializer.Serialize(results);
        var back = JsonSerializer.Deserialize<PoisoningResults>(json);

        Assert.NotNull(back);
        Assert.Equal(json, JsonSerializer.Serialize(back));
        Assert.Contains("\"AttackSuccessRate\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void The_report_renders_the_heading_every_table_and_each_published_anchor()
    {
        var sb = new StringBuilder();

        PoisoningReport.Render(sb, results);

        var report = sb.ToString();
        Assert.StartsWith(PoisoningReport.Heading + Environment.NewLine, report, StringComparison.Ordinal);
        foreach (var section in new[] { "### Label flipping", "### Clean-label feature collision (Poison Frogs)", "### BadNets (`mnist-backdoor`)", "### Feature-collision targets at inference", "### What the runtime defenses can and cannot catch" })
        {
            Assert.Contains(section, report, StringComparison.Ordinal);
        }

        // Flip rates, attack success, poison looks, fine-tune sweep, BadNets models, BadNets detectors, collision targets, timing.
        var tables = report.Split('\n').Count(line => line.StartsWith("|---", StringComparison.Ordinal));
        Assert.Equal(8, tables);
        foreach (var anchor in new[] { "Rolnick", "Shafahi", "Gu, Dolan-Gavitt", "Gao et al." })
        {
            Assert.Contains(anchor, report, StringComparison.Ordinal);
        }

        Assert.Contains("Quick run", report, StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", report, StringComparison.Ordinal);
    }
}
