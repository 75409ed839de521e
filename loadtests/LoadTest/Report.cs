using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using HdrHistogram;

namespace NeuralSec.LoadTest;

/// <summary>Formats the targets' results as a Markdown table for the README: one row per path, then what each
/// sidecar path adds over the direct path, and what defenses add over the pass-through sidecar.</summary>
internal static class Report
{
    private static readonly double[] Percentiles = [50, 90, 99, 99.9];

    public static string Markdown(LoadTestOptions options, string mode, IReadOnlyList<Target> targets, IReadOnlyList<PhaseResult> results)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.ProcessArchitecture}  ");
        md.AppendLine(CultureInfo.InvariantCulture, $"Run: model `{options.Model}`, batch {options.BatchSize}, {mode}, {options.Rounds} rounds (mirrored order), {options.Warmup} warm-up + {options.Requests} measured requests per target  ");
        md.AppendLine();
        md.AppendLine("| path | ok | errors | throughput (req/s) | p50 (µs) | p90 (µs) | p99 (µs) | p99.9 (µs) |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (var i = 0; i < targets.Count; i++)
        {
            Row(md, targets[i].Description, results[i]);
        }

        for (var i = 1; i < targets.Count; i++)
        {
            Difference(md, $"**{targets[i].Name} − direct**", results[i], results[0]);
        }

        if (targets.Count > 2)
        {
            Difference(md, $"**{targets[2].Name} − {targets[1].Name}** (the defenses' own cost)", results[2], results[1]);
        }

        for (var i = 3; i < targets.Count; i++)
        {
            // Each further defended sidecar against the first: what the first's policies add over this one's.
            Difference(md, $"**{targets[2].Name} − {targets[i].Name}** (what {targets[2].Name}'s policies add over {targets[i].Name}'s)", results[2], results[i]);
        }

        md.AppendLine();
        md.AppendLine("Added latency is the difference of two paths' percentiles (not a percentile of per-request differences); the ratio is the first path ÷ the second.");
        for (var i = 0; i < targets.Count; i++)
        {
            AppendErrors(md, targets[i].Name, results[i]);
        }

        return md.ToString();
    }

    private static void Difference(StringBuilder md, string label, PhaseResult path, PhaseResult baseline)
    {
        md.Append(CultureInfo.InvariantCulture, $"| {label} | | | {Ratio(Throughput(path), Throughput(baseline))} |");
        foreach (var p in Percentiles)
        {
            var b = Micros(baseline.Latency, p);
            var a = Micros(path.Latency, p);
            md.Append(CultureInfo.InvariantCulture, $" {a - b:+0;-0;0} ({Ratio(a, b)}) |");
        }

        md.AppendLine();
    }

    private static void Row(StringBuilder md, string name, PhaseResult result)
    {
        md.Append(CultureInfo.InvariantCulture, $"| {name} | {result.Successes} | {result.Failures + result.Dropped} | {Throughput(result):F0} |");
        foreach (var p in Percentiles)
        {
            md.Append(CultureInfo.InvariantCulture, $" {Micros(result.Latency, p):F0} |");
        }

        md.AppendLine();
    }

    private static void AppendErrors(StringBuilder md, string name, PhaseResult result)
    {
        if (result.Failures == 0 && result.Dropped == 0)
        {
            return;
        }

        var parts = result.Errors.Select(e => $"{e.Key} × {e.Value}").ToList();
        if (result.Dropped > 0)
        {
            parts.Add($"dropped (too many in flight) × {result.Dropped}");
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"\nErrors on {name}: {string.Join(", ", parts)}.");
    }

    private static double Throughput(PhaseResult result) =>
        result.Elapsed > TimeSpan.Zero ? result.Successes / result.Elapsed.TotalSeconds : 0;

    private static double Micros(HistogramBase histogram, double percentile) =>
        histogram.TotalCount == 0 ? double.NaN : histogram.GetValueAtPercentile(percentile) / 1000.0;

    private static string Ratio(double a, double b) =>
        b > 0 && !double.IsNaN(a) ? string.Create(CultureInfo.InvariantCulture, $"×{a / b:F2}") : "n/a";
}
