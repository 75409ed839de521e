using System.Text.Json;
using NeuralSec.RedTeam.Cli;

namespace NeuralSec.RedTeam.Tests;

/// <summary>
/// <c>neuralsec-redteam stream</c>: its help and bounds, and one <c>--quick</c> live run through a real sidecar process
/// on loopback (small counts): the results have every section, no benign client is flagged by a stream detector, and
/// SimBA is flagged by the near-duplicate search within 50 queries of every run.
/// </summary>
public sealed class StreamCommandTests
{
    [Theory]
    [InlineData("stream", "--help")]
    [InlineData("help", "stream")]
    public void Help_names_the_bounds(params string[] args)
    {
        using var stdout = new StringWriter();
        Assert.Equal(0, RedTeamCli.Run(args, stdout, TextWriter.Null));
        var text = stdout.ToString();
        Assert.Contains("--max-duration", text, StringComparison.Ordinal);
        Assert.Contains("--quick", text, StringComparison.Ordinal);
        Assert.Contains("--policies", text, StringComparison.Ordinal);
        Assert.Contains("--evasion-digits", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, "stream", "--max-duration", "5")]
    [InlineData(2, "stream", "--max-duration", "100000")]
    [InlineData(2, "stream", "--qiuck")]
    [InlineData(2, "stream", "--coverage-budgets", "0")]
    [InlineData(2, "stream", "--coverage-budgets", "500,500")]
    [InlineData(2, "stream", "--coverage-budgets", "500,x")]
    [InlineData(2, "stream", "--coverage-budgets", "500", "--policies", "/tmp")]
    [InlineData(2, "stream", "--evasion-digits", "999")]
    [InlineData(2, "stream", "--evasion-digits", "9801")]
    [InlineData(1, "stream", "--policies", "/nonexistent/policies")]
    [InlineData(1, "stream", "--neuralsec", "/nonexistent/neuralsec.dll")]
    public void Bad_arguments_are_one_line_with_the_exit_code(int code, params string[] args)
    {
        using var stderr = new StringWriter();
        Assert.Equal(code, RedTeamCli.Run(args, TextWriter.Null, stderr));
        var line = Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("neuralsec-redteam stream: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_quick_run_flags_SimBA_and_HopSkipJump_and_no_benign_client_and_a_small_coverage_budget_degrades_Knockoff()
    {
        var json = Path.Combine(Path.GetTempPath(), $"stream-{Guid.NewGuid():N}.json");
        var markdown = Path.ChangeExtension(json, ".md");
        try
        {
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            Assert.True(RedTeamCli.Run(["stream", "--quick", "--max-duration", "300", "--coverage-budgets", "150", "--json", json, "--markdown", markdown], stdout, stderr) == 0, stderr.ToString());

            using var document = JsonDocument.Parse(File.ReadAllText(json));
            var root = document.RootElement;
            Assert.False(root.GetProperty("Truncated").GetBoolean());
            // The report describes the stream defenses from the policy the sidecar ran, not from a copy of it.
            Assert.Contains("nearDuplicate T=30 → block (", root.GetProperty("PolicyNote").GetString(), StringComparison.Ordinal);
            Assert.Contains("view=upright", root.GetProperty("PolicyNote").GetString(), StringComparison.Ordinal);
            Assert.Contains("linked clients → degrade; degraded answers disguised as ordinary ones", root.GetProperty("PolicyNote").GetString(), StringComparison.Ordinal);
            var benign = root.GetProperty("Benign").EnumerateArray().Where(b => b.GetProperty("Profile").GetString() != "recapture").ToArray();
            Assert.True(benign.Length >= 5);
            Assert.All(benign, b => Assert.False(b.GetProperty("StreamFlagged").GetBoolean(), b.GetProperty("Client").GetString()));

            var attackers = root.GetProperty("Attackers").EnumerateArray().ToDictionary(a => a.GetProperty("Attacker").GetString()! + "/" + a.GetProperty("Output").GetString());
            Assert.Contains(attackers.Keys, k => k.StartsWith("Knockoff", StringComparison.Ordinal));
            Assert.Contains(attackers.Keys, k => k.StartsWith("Papernot JBDA", StringComparison.Ordinal));
            Assert.Contains(attackers.Keys, k => k.StartsWith("Boundary", StringComparison.Ordinal));
            Assert.Contains(attackers.Keys, k => k.StartsWith("Adaptive SimBA", StringComparison.Ordinal));
            // The query-based evasion attacks the near-duplicate index is for: flagged within the 50 queries —
            // SimBA by it; HopSkipJump by it or, where its bisection blends were refused as inputs, by the escalation too.
            foreach (var (name, detectors) in new[] { ("SimBA", new[] { "nearDuplicate" }), ("HopSkipJump", new[] { "nearDuplicate", "nearDuplicate+flaggedInputs", "flaggedInputs" }) })
            {
                var attacker = attackers.Single(a => a.Key.StartsWith(name, StringComparison.Ordinal)).Value;
                foreach (var run in attacker.GetProperty("Runs").EnumerateArray())
                {
                    Assert.InRange(run.GetProperty("FirstFlagAt").GetInt32(), 1, 50);
                    Assert.Contains(run.GetProperty("Detector").GetString(), detectors);
                }
            }

            // The OARS-style adaptive HopSkipJump (every query disguised, spread over its accounts) is flagged within
            // the 200 queries too.
            var adaptiveHsj = attackers.Where(a => a.Key.StartsWith("Adaptive HopSkipJump", StringComparison.Ordinal)).ToArray();
            Assert.Equal(2, adaptiveHsj.Length); // 5 and 25 accounts
            foreach (var run in adaptiveHsj.SelectMany(a => a.Value.GetProperty("Runs").EnumerateArray()))
            {
                Assert.InRange(run.GetProperty("FirstFlagAt").GetInt32(), 1, 200);
            }

            var knockoff = attackers.First(a => a.Key.StartsWith("Knockoff", StringComparison.Ordinal)).Value;
            Assert.InRange(knockoff.GetProperty("Agreement").GetDouble(), 0.5, 1.0);
            Assert.Contains("#### Attackers", File.ReadAllText(markdown), StringComparison.Ordinal);

            // The sweep's one point: a budget of 150 novelty-weighted queries an hour is spent by Knockoff's 600
            // fresh digits, and the account is degraded by queryCoverage (its answers go on: degrade is not a refusal).
            var point = Assert.Single(root.GetProperty("CoverageSweep").EnumerateArray());
            Assert.Equal(150, point.GetProperty("Budget").GetInt32());
            var sweptKnockoff = point.GetProperty("Knockoff");
            Assert.InRange(sweptKnockoff.GetProperty("FirstFlagAt").GetInt32(), 1, 600);
            Assert.Contains("queryCoverage", sweptKnockoff.GetProperty("Detector").GetString(), StringComparison.Ordinal);
            Assert.Equal(600, sweptKnockoff.GetProperty("Answered").GetInt32());
            var app = Assert.Single(point.GetProperty("Apps").EnumerateArray());
            Assert.Equal(100, app.GetProperty("Queries").GetInt32());
            Assert.Equal(JsonValueKind.Null, app.GetProperty("FirstFlagAt").ValueKind); // 100 fresh digits: under the budget
            Assert.Contains("#### queryCoverage budget", File.ReadAllText(markdown), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(json);
            File.Delete(markdown);
        }
    }
}
