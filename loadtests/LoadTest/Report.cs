using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using HdrHistogram;

namespace NeuralSec.LoadTest;

/// <summary>Formats the two targets' results: a plain summary and a Markdown table for the README.</summary>
internal static class Report
{
    private static readonly double[] Percentiles = [50, 90, 99, 99.9];

    public static string Markdown(LoadTestOptions options, string mode, PhaseResult direct, PhaseResult sidecar)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.ProcessArchitecture}  ");
        md.AppendLine(CultureInfo.InvariantCulture, $"Run: model `{options.Model}`, batch {options.BatchSize}, {mode}, {options.Rounds} rounds (ABBA), {options.Warmup} warm-up + {options.Requests} measured requests per target  ");
        md.AppendLine();
        md.AppendLine("| path | ok | errors | throughput (req/s) | p50 (µs) | p90 (µs) | p99 (µs) | p99.9 (µs) |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        Row(md, "direct (model server)", direct);
        Row(md, "through sidecar", sidecar);
        md.Append("| **added by sidecar** | | | ");
        md.Append(CultureInfo.InvariantCulture, $"{Ratio(Throughput(sidecar), Throughput(direct))} |");
        foreach (var p in Percentiles)
        {
            var d = Micros(direct.Latency, p);
            var s = Micros(sidecar.Latency, p);
            md.Append(CultureInfo.InvariantCulture, $" {s - d:+0;-0;0} ({Ratio(s, d)}) |");
        }

        md.AppendLine();
        md.AppendLine();
        md.AppendLine("Added latency is the difference of the two paths' percentiles (not a percentile of per-request differences); the ratio is sidecar ÷ direct.");
        AppendErrors(md, "direct", direct);
        AppendErrors(md, "sidecar", sidecar);
        return md.ToString();
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
