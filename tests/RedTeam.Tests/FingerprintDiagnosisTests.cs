using NeuralSec.Data;
using NeuralSec.RedTeam.Cli;
using NeuralSec.RedTeam.Fingerprints;

namespace NeuralSec.RedTeam.Tests;

/// <summary>The measurement behind docs/stream-detectors.md's finding on transformed queries: the shipped fingerprint
/// (salted pixel windows) does not see two OARS-style transforms of one digit as near-duplicates, a centre-of-mass
/// aligned, blurred view does, and neither matches distinct natural digits at the shipped threshold — nor copies an
/// attacker also rotates and rescales, which centring does not undo but the upright view does; a shear undoes that in
/// turn.</summary>
public sealed class FingerprintDiagnosisTests
{
    [Fact]
    public void Transformed_copies_match_on_the_aligned_blurred_view_and_not_on_the_pixels_and_distinct_digits_match_on_neither()
    {
        var digits = MnistDataset.Load(null).Test.Slice(0, 400);
        var rows = FingerprintDiagnosis.Run(digits, pairs: 150, seed: 1);

        var shipped = rows.Single(r => r.View == DiagnosedView.All[0].Name && r.Quantization == 50 && r.Window == 20);
        var robust = rows.Single(r => r.View == "aligned + blurred (view: aligned)" && r.Quantization == 80 && r.Window == 10);
        var upright = rows.Single(r => r.View == "upright + blurred (view: upright)" && r.Quantization == 80 && r.Window == 10);
        Assert.True(shipped.Attacker.Matching < 0.05, $"pixels: {shipped.Attacker}");
        Assert.True(robust.Attacker.Matching > 0.5, $"aligned + blurred: {robust.Attacker}");
        Assert.True(robust.Attacker.P50 > robust.Benign.P99, $"attacker {robust.Attacker} vs benign {robust.Benign}");
        Assert.All(rows, r => Assert.Equal(0, r.Benign.Matching));
        // Where the view loses: an attacker who also rotates and rescales its copies is not undone by centring.
        Assert.True(robust.ViewAware.Matching < 0.2, $"view-aware: {robust.ViewAware}");
        // The upright view sees it again (a third or more of its pairs), and loses to an attacker who also shears.
        Assert.True(upright.ViewAware.Matching > 2 * robust.ViewAware.Matching + 0.2, $"upright, view-aware: {upright.ViewAware}");
        Assert.True(upright.Attacker.Matching > 0.5, $"upright: {upright.Attacker}");
        Assert.True(upright.UprightAware.Matching < upright.ViewAware.Matching / 2, $"upright-aware {upright.UprightAware} vs view-aware {upright.ViewAware}");
        // The camera client is a near-duplicate too wherever the attacker is one: a detector on this view must count.
        Assert.True(robust.Recapture.Matching > 0.5, $"re-capture: {robust.Recapture}");
    }

    [Fact]
    public void The_command_writes_the_table_and_refuses_more_pairs_than_the_pool()
    {
        var path = Path.Combine(Path.GetTempPath(), $"fingerprints-{Guid.NewGuid():N}.md");
        try
        {
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            Assert.True(RedTeamCli.Run(["fingerprint-diagnose", "--pairs", "20", "--pool", "100", "--out", path], stdout, stderr) == 0, stderr.ToString());
            var report = File.ReadAllText(path);
            Assert.Contains("| aligned + blurred (view: aligned) | 80 | 10 |", report, StringComparison.Ordinal);
            Assert.Contains("fingerprint-diagnose --seed 1 --pairs 20 --pool 100", report, StringComparison.Ordinal);

            using var error = new StringWriter();
            Assert.Equal(1, RedTeamCli.Run(["fingerprint-diagnose", "--pairs", "200", "--pool", "100", "--out", path], TextWriter.Null, error));
            Assert.StartsWith("neuralsec-redteam fingerprint-diagnose: --pairs (200) may not exceed --pool (100)", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
