using NeuralSec.Data;
using NeuralSec.Detectors.Images;
using NeuralSec.Lab.Training;
using NeuralSec.RedTeam.Cli;
using NeuralSec.RedTeam.Evaluation;
using NeuralSec.RedTeam.Models;
using NeuralSec.RedTeam.Report;

namespace NeuralSec.RedTeam.Tests;

/// <summary>The STRIP diagnosis and §3 of the evaluation, on the fixture's first 100 digits per half and a few overlays.</summary>
public sealed class StripDiagnosticsTests : IClassFixture<Fixture>
{
    private const int Samples = 6;

    private readonly Fixture fixture;

    public StripDiagnosticsTests(Fixture fixture)
    {
        this.fixture = fixture;
    }

    // The rules are internal: the theories name them.
    [Theory]
    [InlineData("Add", 1.25f)]
    [InlineData("Clip", 1f)]
    [InlineData("Mean", 0.625f)]
    [InlineData("Max", 0.75f)]
    public void BlendRules_DoWhatTheySay(string name, float expected)
    {
        var rule = Enum.Parse<StripBlendRule>(name);
        var blend = new float[3];

        StripBlend.Apply(rule, [0.75f, 0f, 0f], [0.5f, 0f, 1f], blend);

        Assert.Equal(expected, blend[0], 6);
        Assert.Equal(0f, blend[1]);
        Assert.Equal(rule == StripBlendRule.Mean ? 0.5f : 1f, blend[2], 6);
    }

    [Theory]
    [InlineData(false, "Add")]
    [InlineData(true, "Clip")]
    public async Task Diagnosis_ScoresExactlyAsTheDetector(bool clip, string name)
    {
        var rule = Enum.Parse<StripBlendRule>(name);
        var data = fixture.Data;
        var evaluation = await StripEvaluation.RunAsync(data, fixture.Models, StripPool.CommittedSize, Samples, clip, seed: 1, new Progress(TextWriter.Null), CancellationToken.None);
        var variant = new StripDiagnosisVariant(FixtureModels.Backdoor, rule, "committed 100", data.Dataset.StripPool.Slice(0, StripPool.CommittedSize), Samples);
        var sets = new Dictionary<StripSet, MnistSplit>
        {
            [StripSet.CleanCalibration] = data.Calibration,
            [StripSet.CleanEvaluation] = data.Evaluation,
            [StripSet.TriggeredEvaluation] = BackdoorTrigger.TriggeredNonTarget(data.Evaluation),
        };

        var diagnosis = StripDiagnostics.Measure(fixture.Models.Get(FixtureModels.Backdoor).Network, variant, sets, seed: 1);

        Assert.Equal(evaluation.CleanCalibration, diagnosis.Sets[StripSet.CleanCalibration].At());
        Assert.Equal(evaluation.CleanEvaluation, diagnosis.Sets[StripSet.CleanEvaluation].At());
        Assert.Equal(evaluation.Triggered, diagnosis.Sets[StripSet.TriggeredEvaluation].At());
        Assert.Equal(evaluation.TriggeredBlendsOnTarget, diagnosis.Sets[StripSet.TriggeredEvaluation].OnTarget.Average(), 12);
        Assert.Equal(evaluation.TriggeredLabels, diagnosis.Sets[StripSet.TriggeredEvaluation].Labels);
    }

    [Fact]
    public void ClippedBlend_KeepsTheTriggerAsBrightAsTheStrokes_TheUnclippedHalvesIt()
    {
        var data = fixture.Data;
        var pool = data.Dataset.StripPool.Slice(0, StripPool.CommittedSize);
        var sets = new Dictionary<StripSet, MnistSplit>
        {
            [StripSet.CleanEvaluation] = data.Evaluation.Slice(0, 20),
            [StripSet.TriggeredEvaluation] = BackdoorTrigger.TriggeredNonTarget(data.Evaluation.Slice(0, 20)),
        };
        var network = fixture.Models.Get(FixtureModels.Backdoor).Network;

        var added = StripDiagnostics.Measure(network, new(FixtureModels.Backdoor, StripBlendRule.Add, "committed 100", pool, Samples), sets, 1);
        var clipped = StripDiagnostics.Measure(network, new(FixtureModels.Backdoor, StripBlendRule.Clip, "committed 100", pool, Samples), sets, 1);

        Assert.Equal(1.0, clipped.TriggerContrast, 3);
        Assert.InRange(added.TriggerContrast, 0.45, 0.6);
        Assert.Equal(0, clipped.InkAboveOne);
        Assert.True(added.InkAboveOne > 0.05, $"{added.InkAboveOne}");
    }

    [Fact]
    public void Balanced_TakesTheFirstOfEachClass_InFileOrder()
    {
        var pool = fixture.Data.Dataset.StripPool;

        var balanced = StripDiagnostics.Balanced(pool, 3);

        Assert.Equal(30, balanced.Count);
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(3, balanced.Labels.Count(l => l == c)));
        var firstZero = Enumerable.Range(0, pool.Count).First(i => pool.Labels[i] == 0);
        var index = Array.IndexOf(balanced.Labels, (byte)0);
        Assert.Equal(pool.Image(firstZero).ToArray(), balanced.Image(index).ToArray());
    }

    [Fact]
    public void DiagnosisReport_ExplainsFromItsOwnNumbers()
    {
        var data = fixture.Data;
        var variants = StripDiagnostics.DefaultVariants(data.Dataset, 4, [2]);

        var diagnosis = StripDiagnostics.Run(data, fixture.Models, variants, 4, 1, new Progress(TextWriter.Null));
        var report = StripDiagnosisReport.Render(diagnosis, "strip-diagnose --count 100");

        Assert.Equal(Enum.GetValues<StripBlendRule>().Length + 3 + 1 + 2, diagnosis.Variants.Count);
        Assert.Contains("## Cause", report, StringComparison.Ordinal);
        Assert.Contains("1.85%", report, StringComparison.Ordinal);
        foreach (var section in new[] { "## 1. Overlay pool", "## 2.", "## 3.", "## 4.", "## 5.", "## 6." })
        {
            Assert.Contains(section, report, StringComparison.Ordinal);
        }

        Assert.Contains("| mnist | Clip |", report, StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluationSection3_ShowsTheReferenceAndTheClippedBlend_AndTheCause()
    {
        var data = fixture.Data;
        var progress = new Progress(TextWriter.Null);
        var runs = new List<StripResults>();
        foreach (var clip in new[] { false, true })
        {
            runs.Add(await StripEvaluation.RunAsync(data, fixture.Models, StripPool.CommittedSize, Samples, clip, 1, progress, CancellationToken.None));
        }

        var section = EvaluationReport.RenderStrip(runs);

        Assert.StartsWith("## 3. STRIP on the backdoored fixture `mnist-backdoor`", section, StringComparison.Ordinal);
        Assert.Contains("| x + o (reference) | 100 |", section, StringComparison.Ordinal);
        Assert.Contains("| min(x + o, 1) (`clip: true`) | 100 |", section, StringComparison.Ordinal);
        Assert.Contains("**Cause.**", section, StringComparison.Ordinal);
        Assert.Contains("strip-diagnose", section, StringComparison.Ordinal);
        Assert.Contains("FAR 1.85% at FRR 1%", section, StringComparison.Ordinal);
        Assert.True(runs[1].TriggeredBlendsOnTarget >= runs[0].TriggeredBlendsOnTarget);
    }

    [Fact]
    public async Task TargetTally_CountsTheImagesAssignedToTheTarget()
    {
        var runner = fixture.Models.Get(FixtureModels.Backdoor);
        var triggered = BackdoorTrigger.TriggeredNonTarget(fixture.Data.Evaluation.Slice(0, 10));
        var tally = new TargetTallyRunner(runner, BackdoorTrigger.TargetClass);

        var logits = await tally.RunAsync(Digits.AsBatch(triggered.Images), CancellationToken.None);

        Assert.Equal(runner.Network.Predict(triggered.Images), logits);
        Assert.Equal(triggered.Count, tally.Images);
        Assert.Equal(Classify.Predict(runner.Network, triggered.Images).Count(p => p == BackdoorTrigger.TargetClass), tally.OnTarget);
    }

    [Fact]
    public void StripOnly_RefusesToReplaceTheCommittedReport()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = RedTeamCli.Run(["evaluate", "--strip-only", "--count", "20", "--strip-samples", "2", "--out", Path.Combine(RepositoryPaths.Root(), "docs", "evaluation.md")], stdout, stderr);

        Assert.Equal(1, code);
        Assert.Contains("--strip-only", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void StripOnly_WritesSection3Alone()
    {
        var path = Path.Combine(Path.GetTempPath(), $"evaluation-strip-{Guid.NewGuid():N}.md");
        try
        {
            using var stdout = new StringWriter();
            Assert.Equal(0, RedTeamCli.Run(["evaluate", "--strip-only", "--count", "20", "--strip-samples", "2", "--out", path], stdout, TextWriter.Null));
            var text = File.ReadAllText(path);
            Assert.StartsWith("## 3. STRIP", text, StringComparison.Ordinal);
            Assert.DoesNotContain("## 1.", text, StringComparison.Ordinal);
            Assert.Equal(8, text.Split('\n').Count(l => l.StartsWith("| x + o", StringComparison.Ordinal) || l.StartsWith("| min(x + o, 1)", StringComparison.Ordinal)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void StripDiagnose_RejectsABadSweep_AsAUsageError()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        Assert.Equal(2, RedTeamCli.Run(["strip-diagnose", "--sweep", "50,x"], stdout, stderr));
        Assert.StartsWith("neuralsec-redteam strip-diagnose: --sweep must be 'none' or overlay counts", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void StripDiagnose_WritesTheReport()
    {
        var path = Path.Combine(Path.GetTempPath(), $"strip-diagnosis-{Guid.NewGuid():N}.md");
        try
        {
            using var stdout = new StringWriter();
            Assert.Equal(0, RedTeamCli.Run(["strip-diagnose", "--count", "20", "--samples", "2", "--sweep", "none", "--out", path], stdout, TextWriter.Null));
            Assert.StartsWith("# STRIP diagnosis", File.ReadAllText(path), StringComparison.Ordinal);
            Assert.Contains(path, stdout.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
