using System.Text.Json;
using NeuralSec.RedTeam.Cli;

namespace NeuralSec.RedTeam.Tests.Live;

/// <summary>
/// <c>neuralsec-redteam attack --quick</c> as CI runs it: every attack of the catalog through sidecars it starts, and
/// the report. Each attack must work — it reaches its expected success against the undefended baseline, so that a low
/// figure against the firewall means the defense — and the shipped policy must stop the non-adaptive ones without
/// refusing the benign client. (Run alone after the rest, as the load comparison: it keeps both cores busy.)
/// </summary>
public sealed class AttackQuickRunTests
{
    [Fact]
    public void A_quick_run_attacks_through_the_API_and_writes_the_report()
    {
        var output = Path.Combine(Path.GetTempPath(), $"attack-quick-{Guid.NewGuid():N}");
        try
        {
            using var stderr = new StringWriter();
            Assert.True(RedTeamCli.Run(["attack", "--quick", "--out", output, "--max-duration", "900"], TextWriter.Null, stderr) == 0, stderr.ToString());
            foreach (var file in new[] { "README.md", "results.json", "success.png", "success-vs-epsilon.png", "latency.png", "roc.png", "queries-until-detection.png" })
            {
                Assert.True(new FileInfo(Path.Combine(output, file)).Length > 100, file);
            }

            using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "results.json")));
            var root = document.RootElement;
            Assert.False(root.GetProperty("Truncated").GetBoolean());
            var results = root.GetProperty("Results").EnumerateArray().ToArray();
            Assert.Equal(13, results.Select(r => r.GetProperty("Attack").GetString()).Distinct().Count());
            double Rate(string attack, string side, string? setting = null)
            {
                var r = results.First(x => x.GetProperty("Attack").GetString() == attack && x.GetProperty("Side").GetString() == side && (setting is null || x.GetProperty("Setting").GetString() == setting));
                return r.GetProperty("Succeeded").GetDouble() / r.GetProperty("Attempts").GetInt32();
            }

            // The attacks work: against the undefended baseline they reach their published kind of success.
            Assert.InRange(Rate("pgd", "undefended", "ε=0.3"), 0.9, 1);
            Assert.InRange(Rate("fgsm", "undefended", "ε=0.3"), 0.5, 1);
            Assert.InRange(Rate("cw-l2", "undefended"), 0.9, 1);
            Assert.InRange(Rate("square", "undefended"), 0.66, 1);
            Assert.InRange(Rate("eot", "undefended", "EOT-PGD ε=0.3"), 0.9, 1);
            Assert.InRange(Rate("patch", "undefended", "trained patch → class 8") - Rate("patch", "undefended", "random patch (control)"), 0.1, 1);

            // The shipped policy stops the non-adaptive ones, and the query-based walks are flagged early.
            Assert.InRange(Rate("pgd", "firewall", "ε=0.3"), 0, 0.1);
            Assert.InRange(Rate("eot", "firewall", "EOT-PGD ε=0.3"), 0, 0.1);
            var simba = results.Single(x => x.GetProperty("Attack").GetString() == "simba" && x.GetProperty("Side").GetString() == "firewall");
            Assert.Equal(simba.GetProperty("Attempts").GetInt32(), simba.GetProperty("FlaggedRuns").GetInt32());
            Assert.InRange(simba.GetProperty("FirstFlagAt").GetDouble(), 1, 50);
            var hopSkipJump = results.Single(x => x.GetProperty("Attack").GetString() == "hopskipjump" && x.GetProperty("Side").GetString() == "firewall");
            Assert.True(hopSkipJump.GetProperty("FlaggedRuns").GetInt32() > 0, "HopSkipJump's label-only walk is flagged");
            Assert.InRange(hopSkipJump.GetProperty("FirstFlagAt").GetDouble(), 1, 50);

            // The sidecar's scores separate the non-adaptive PGD digits from benign ones, for every detector.
            var roc = root.GetProperty("Roc").EnumerateArray().ToArray();
            Assert.Equal(3 * 4, roc.Length);
            Assert.All(roc.Where(c => c.GetProperty("Set").GetString() == "PGD-40 ε=0.3"), c => Assert.InRange(c.GetProperty("Auc").GetDouble(), 0.95, 1));

            // The benign client of every side is answered.
            foreach (var side in root.GetProperty("Latency").EnumerateArray())
            {
                Assert.Equal(0, side.GetProperty("Refused").GetInt32());
            }

            var report = File.ReadAllText(Path.Combine(output, "README.md"));
            Assert.Contains("## At a glance", report, StringComparison.Ordinal);
            Assert.Contains("Where the firewall loses", report, StringComparison.Ordinal);

            // The offline poisoning section rides along: the BadNets twin's backdoor works, and STRIP sees most of it.
            var poisoning = root.GetProperty("Poisoning");
            Assert.True(poisoning.GetProperty("Quick").GetBoolean());
            Assert.InRange(poisoning.GetProperty("Backdoor").GetProperty("AttackSuccessRate").GetDouble(), 0.9, 1);
            Assert.Contains(NeuralSec.RedTeam.Poisoning.PoisoningReport.Heading, report, StringComparison.Ordinal);
            Assert.Contains("**Before serving** (poisoning, measured offline):", report, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }
}
