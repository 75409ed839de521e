using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace NeuralSec.LoadTest.Fuzz;

/// <summary>The Markdown of a fuzz run: the verdict, the answers by transport and status, RSS over the run, health at
/// the end, and every failing kind of request with the numbers that replay it.</summary>
internal static class FuzzReport
{
    public static string Markdown(FuzzResult result)
    {
        var (options, tally) = (result.Options, result.Tally);
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.ProcessArchitecture}  ");
        md.AppendLine(CultureInfo.InvariantCulture, $"Target: {result.Target.Description}  ");
        md.AppendLine(CultureInfo.InvariantCulture, $"Run: seed {options.Seed}, {tally.Total:N0} requests ({tally.Count(FuzzOutcome.Grpc):N0} gRPC, {tally.Count(FuzzOutcome.Rest):N0} REST) in {result.Elapsed.TotalSeconds:F0} s ({tally.Total / Math.Max(result.Elapsed.TotalSeconds, 0.001):F0}/s), {options.Concurrency} in flight{(result.StoppedBecause is { } why ? $", **stopped early: {why}**" : string.Empty)}  ");
        md.AppendLine(CultureInfo.InvariantCulture, $"Verdict: **{(result.Passed ? "pass" : "FAIL")}** — {tally.Failures} failing answers, {(result.Target.HasExited ? "the sidecar exited" : "the sidecar stayed up")}, health {(result.Health.All(h => h.Passed) ? "answered" : "NOT answered")} at the end, RSS {(result.RssWithinBound ? "within" : "ABOVE")} {options.MaxRssMib} MiB");
        md.AppendLine();
        md.AppendLine("| transport | status | reason | requests | share |");
        md.AppendLine("|---|---|---|---:|---:|");
        foreach (var (outcome, count) in tally.Outcomes)
        {
            var status = outcome.IsFailure ? $"**{outcome.Status}** ✗" : outcome.Status;
            md.AppendLine(CultureInfo.InvariantCulture, $"| {outcome.Transport} | {status} | {(outcome.Reason.Length == 0 ? "—" : $"`{outcome.Reason}`")} | {count:N0} | {100.0 * count / Math.Max(1, tally.Total):F2}% |");
        }

        md.AppendLine();
        if (result.Rss is { PeakBytes: { } peak } rss)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"Sidecar RSS (VmRSS, sampled every second): idle {Mib(result.IdleRssBytes)} MiB before the first request, peak {FuzzRun.Mib(peak)} MiB, {Mib(rss.LastBytes)} MiB at the end; bound {options.MaxRssMib} MiB.");
            md.AppendLine();
            md.AppendLine("| time (s) | " + string.Join(" | ", rss.Spread(11).Select(s => s.At.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture))) + " |");
            md.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---:|", rss.Spread(11).Count)));
            md.AppendLine("| RSS (MiB) | " + string.Join(" | ", rss.Spread(11).Select(s => FuzzRun.Mib(s.Bytes).ToString(CultureInfo.InvariantCulture))) + " |");
        }
        else
        {
            md.AppendLine("Sidecar RSS: not sampled (no process id; pass --target-pid).");
        }

        md.AppendLine();
        md.AppendLine("Health after the run: " + string.Join(", ", result.Health.Select(h => $"{h.Check} → {h.Answer} {(h.Passed ? "✓" : "✗")}")) + ".");
        var failures = tally.FailureKinds;
        if (failures.Count > 0)
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"Failures (replay one with `fuzz --seed {options.Seed}` and its number):");
            md.AppendLine();
            md.AppendLine("| request kind | answer | count | first request numbers | first detail |");
            md.AppendLine("|---|---|---:|---|---|");
            foreach (var (kind, outcome, count, examples, detail) in failures.Take(50))
            {
                var shown = detail is null ? string.Empty : (detail.Length > 300 ? detail[..300] + "…" : detail).Replace('|', '/');
                md.AppendLine(CultureInfo.InvariantCulture, $"| {kind} | {outcome.Transport} {outcome.Status} | {count:N0} | {string.Join(", ", examples)} | {shown} |");
            }
        }

        return md.ToString();
    }

    private static string Mib(long? bytes) => bytes is { } b ? FuzzRun.Mib(b).ToString(CultureInfo.InvariantCulture) : "?";
}
