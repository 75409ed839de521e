using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace NeuralSec.LoadTest.Overload;

/// <summary>The Markdown of an overload run: configuration, one row per phase, the checks with their bounds.</summary>
internal static class OverloadReport
{
    public static string Markdown(OverloadResult result)
    {
        var options = result.Options;
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.ProcessArchitecture}  ");
        var backend = options.Backend == OverloadBackend.Embedded
            ? "embedded ONNX Runtime on the sidecar's cores"
            : $"upstream GPU stand-in, {options.ServiceTime.TotalMilliseconds:F0} ms a call, {options.MaxConcurrent} at a time, no CPU";
        md.AppendLine(CultureInfo.InvariantCulture, $"Sidecar: {(result.StartedSidecar ? $"a neuralsec process started for the run ({backend}, pass-through policy)" : "the one at " + options.Target)}; admission {options.MaxConcurrent} in the pipeline, {options.MaxQueued} queued, {options.MaxQueueWait.TotalMilliseconds:F0} ms queue wait  ");
        md.AppendLine(CultureInfo.InvariantCulture, $"Cores: {(result.Cores is { } cores ? $"sidecar on {CpuAffinity.List(cores.Sidecar)}, load generator{(options.Backend == OverloadBackend.GpuStandIn && result.StartedSidecar ? " and stand-in" : string.Empty)} on {CpuAffinity.List(cores.Load)}" : "shared by the sidecar and the load generator")}  ");
        md.AppendLine(CultureInfo.InvariantCulture, $"Load: model `{options.Model}`, batch {options.BatchSize}, one client process; latency counts from when each request left the client, how late it left its schedule is the send lag  ");
        md.AppendLine(CultureInfo.InvariantCulture, $"Verdict: **{(result.Passed ? "pass" : "FAIL")}**");
        md.AppendLine();
        md.AppendLine("| phase | offered (req/s) | sent | admitted | shed | other | admitted p50 / p99 (ms) | shed p50 / p99 (ms) | send lag p99 (ms) | sidecar RSS peak (MiB) |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var phase in result.Phases)
        {
            var offered = phase.OfferedRate > 0 ? phase.OfferedRate.ToString("F0", CultureInfo.InvariantCulture) : $"closed, {options.MaxConcurrent * 2} workers";
            var lag = phase.OfferedRate > 0 ? Ms(phase.SendLag, 99) : "—";
            var rss = phase.PeakRssBytes is { } b ? (b / (1024 * 1024)).ToString(CultureInfo.InvariantCulture) : "?";
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {phase.Name} | {offered} | {phase.Sent:N0} | {phase.Admitted.TotalCount:N0} ({Rate(phase.Admitted.TotalCount, phase)}/s) | {phase.Shed.TotalCount:N0} | {phase.OtherCount:N0} | {Ms(phase.Admitted, 50)} / {Ms(phase.Admitted, 99)} | {Ms(phase.Shed, 50)} / {Ms(phase.Shed, 99)} | {lag} | {rss} |");
        }

        md.AppendLine();
        md.AppendLine("| check | result | measured |");
        md.AppendLine("|---|---|---|");
        foreach (var (check, passed, measured) in result.Checks)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {check} | {(passed ? "✓" : "**✗**")} | {measured} |");
        }

        var others = result.Phases.SelectMany(p => p.Other.Select(o => $"{p.Name}: {o.Key} × {o.Value}")).ToList();
        if (others.Count > 0)
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"Other answers: {string.Join("; ", others)}.");
        }

        return md.ToString();
    }

    private static string Ms(HdrHistogram.HistogramBase histogram, double percentile)
    {
        var ms = PhaseOutcome.Millis(histogram, percentile);
        return double.IsNaN(ms) ? "—" : ms.ToString(ms < 10 ? "F2" : "F1", CultureInfo.InvariantCulture);
    }

    private static string Rate(long count, PhaseOutcome phase) =>
        (count / Math.Max(phase.Elapsed.TotalSeconds, 0.001)).ToString("F0", CultureInfo.InvariantCulture);
}
