using System.Globalization;
using System.Text;

namespace NeuralSec.LoadTest;

/// <summary>
/// Formats a run as Markdown for the README: per level one row per path and what each path adds over the direct
/// one; then the summary the performance issue asks for (mean and added latency at the lowest concurrency,
/// throughput at the highest, memory), the goals with their ratios, and the h2load cross-check. Rows are picked by
/// <see cref="TargetKind"/>, never by position.
/// </summary>
internal static class Report
{
    public static string Markdown(RunResult run)
    {
        var options = run.Options;
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Machine: {run.Machine}  ");
        md.AppendLine(CultureInfo.InvariantCulture, $"Run: model `{options.Model}`, batch {options.BatchSize}, {run.Request}, {run.Mode}, {options.Rounds} rounds (mirrored order), {options.Settle} settle requests per path before the first level, {options.Warmup} warm-up requests per path and level  ");
        md.AppendLine(CultureInfo.InvariantCulture, $"Command: `{run.CommandLine}`");
        foreach (var level in run.Levels)
        {
            LevelTable(md, run, level);
        }

        Summary(md, run.Levels);
        StageTable(md, run.Levels);
        ExecutionTable(md, run.Levels);
        GoalsTable(md, run.Goals);
        if (run.H2Load is not null)
        {
            H2LoadTable(md, run.Levels, run.H2Load);
        }

        md.AppendLine();
        md.AppendLine("Added latency is the difference of two paths' figures (not a figure of per-request differences, which cannot be measured: a request takes one path or the other); the ratio is the first path ÷ the second.");
        foreach (var level in run.Levels)
        {
            foreach (var path in level.Paths)
            {
                AppendErrors(md, level.Label, path);
            }
        }

        return md.ToString();
    }

    private static void LevelTable(StringBuilder md, RunResult run, LevelResult level)
    {
        var what = run.Options.Rate > 0 ? run.Mode : $"closed loop, {level.Level.Concurrency} worker{(level.Level.Concurrency == 1 ? string.Empty : "s")}";
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"### {level.Label}: {what}, {level.Level.Requests} measured requests per path");
        md.AppendLine();
        md.AppendLine("| path | ok | errors | throughput (req/s) | mean (µs) | p50 (µs) | p90 (µs) | p99 (µs) | p99.9 (µs) |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var path in level.Paths)
        {
            Row(md, path.Target.Description, path.Result);
        }

        var direct = level.Of(TargetKind.Direct);
        var nginx = level.Of(TargetKind.Nginx);
        var reference = level.Of(TargetKind.ReferenceProxy);
        var sidecar = level.Of(TargetKind.Sidecar);
        var defended = level.Paths.Where(p => p.Target.Kind == TargetKind.Defended).ToList();
        if (direct is not null)
        {
            foreach (var path in level.Paths.Where(p => p.Target.Kind != TargetKind.Direct))
            {
                Difference(md, $"**{path.Target.Name} − {direct.Target.Name}**", path, direct);
            }
        }

        if (sidecar is not null && nginx is not null)
        {
            Difference(md, $"**{sidecar.Target.Name} − {nginx.Target.Name}** (the sidecar over a plain reverse proxy)", sidecar, nginx);
        }

        if (sidecar is not null && reference is not null)
        {
            Difference(md, $"**{sidecar.Target.Name} − {reference.Target.Name}** (NeuralSec's own cost over the .NET stack)", sidecar, reference);
        }

        if (sidecar is not null && defended.Count > 0)
        {
            Difference(md, $"**{defended[0].Target.Name} − {sidecar.Target.Name}** (the defenses' own cost)", defended[0], sidecar);
        }

        foreach (var other in defended.Skip(1))
        {
            // Each further defended sidecar against the first: what the first's policies add over this one's.
            Difference(md, $"**{defended[0].Target.Name} − {other.Target.Name}** (what {defended[0].Target.Name}'s policies add over {other.Target.Name}'s)", defended[0], other);
        }
    }

    /// <summary>The issue's table: one row per path, latency at the lowest concurrency, throughput at the highest,
    /// and the resident memory of the process each path adds.</summary>
    private static void Summary(StringBuilder md, IReadOnlyList<LevelResult> levels)
    {
        var latency = levels.MinBy(l => l.Level.Concurrency)!;
        var throughput = levels.MaxBy(l => l.Level.Concurrency)!;
        var direct = latency.Of(TargetKind.Direct);
        md.AppendLine();
        md.AppendLine("### Summary");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| path | {latency.Label} mean (µs) | added (µs) | {latency.Label} p99 (µs) | added p99 (µs) | {throughput.Label} req/s | RSS idle (MiB) | RSS peak (MiB) |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var path in latency.Paths)
        {
            var mean = Figures.MeanMicros(path.Result);
            var p99 = Figures.Micros(path.Result, 99);
            var isDirect = path.Target.Kind == TargetKind.Direct;
            var atThroughput = throughput.Paths.FirstOrDefault(p => ReferenceEquals(p.Target, path.Target));
            var peak = levels.SelectMany(l => l.Paths).Where(p => ReferenceEquals(p.Target, path.Target)).Max(p => p.RssPeakBytes);
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {path.Target.Description} | {Number(mean)} | {(isDirect ? "—" : Added(mean, direct is null ? null : Figures.MeanMicros(direct.Result)))} | {Number(p99)} | {(isDirect ? "—" : Added(p99, direct is null ? null : Figures.Micros(direct.Result, 99)))} | {(atThroughput is null ? "n/a" : Number(Figures.Throughput(atThroughput.Result)))} | {Number(Figures.Mebibytes(path.RssIdleBytes), "F1")} | {Number(Figures.Mebibytes(peak), "F1")} |");
        }

        md.AppendLine();
        md.AppendLine("Added: the path's figure minus the direct path's. RSS: `VmRSS` of the process the path adds in front of the model (the model server itself for the direct path), before any load and at its highest sample (every 250 ms) under load.");
    }

    /// <summary>Each sidecar path's stages at each level, as the sidecar timed them: where its time goes.</summary>
    private static void StageTable(StringBuilder md, IReadOnlyList<LevelResult> levels)
    {
        var columns = levels.SelectMany(l => l.Paths.Where(p => p.Stages is { Count: > 0 }).Select(p => (Level: l, Path: p))).ToList();
        if (columns.Count == 0)
        {
            return;
        }

        md.AppendLine();
        md.AppendLine("### Where the sidecar's time goes (mean µs per request, as the sidecar timed each stage)");
        md.Append("| stage |");
        foreach (var (level, path) in columns)
        {
            md.Append(CultureInfo.InvariantCulture, $" {path.Target.Name} {level.Level.Label} |");
        }

        md.AppendLine();
        md.Append("|---|");
        md.AppendLine(string.Concat(Enumerable.Repeat("---:|", columns.Count)));
        var stages = columns.SelectMany(c => c.Path.Stages!.Select(s => s.Stage)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var stage in stages)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {stage} |");
            foreach (var (_, path) in columns)
            {
                var cost = path.Stages!.FirstOrDefault(s => s.Stage == stage);
                md.Append(CultureInfo.InvariantCulture, $" {(cost is null ? "–" : cost.MeanMicroseconds.ToString("F1", CultureInfo.InvariantCulture))} |");
            }

            md.AppendLine();
        }

        md.Append("| **all stages** |");
        foreach (var (_, path) in columns)
        {
            md.Append(CultureInfo.InvariantCulture, $" **{path.Stages!.Sum(s => s.MeanMicroseconds):F0}** |");
        }

        md.AppendLine();
        md.AppendLine("The stages run inside the sidecar's request handler; what the round trip adds beyond their sum is HTTP/2 and gRPC on both hops (Kestrel, the upstream client, the thread pool). `forward` is the model server's round trip from the sidecar, 0 where a detector's batch already carried the request's own image.");
    }

    /// <summary>With batched model servers: each model server's executions per level, as it counted them — how
    /// often requests shared one.</summary>
    private static void ExecutionTable(StringBuilder md, IReadOnlyList<LevelResult> levels)
    {
        if (!levels.Any(l => l.Paths.Any(p => p.Target.Kind == TargetKind.DirectBatched)))
        {
            return;
        }

        md.AppendLine();
        md.AppendLine("### Executions of the model servers (as each counted them in `neuralsec_model_batch_size`, measured rounds only)");
        md.AppendLine();
        md.AppendLine("| level | path | requests answered | executions | rows per execution |");
        md.AppendLine("|---|---|---:|---:|---:|");
        foreach (var level in levels)
        {
            foreach (var path in level.Paths.Where(p => p.Executions is not null))
            {
                var executions = path.Executions!;
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {level.Label} | {path.Target.Name} | {path.Result.Successes} | {executions.Executions} | {Number(executions.MeanRows, "F2")} |");
            }
        }

        md.AppendLine();
        md.AppendLine("Executions also count the rounds' other paths' requests that reached the same model server (the sidecar's go to the direct one); rows per execution is the batching figure.");
    }

    private static void GoalsTable(StringBuilder md, IReadOnlyList<GoalCheck> goals)
    {
        md.AppendLine();
        md.AppendLine("### Goals");
        md.AppendLine();
        md.AppendLine("| ratio | measured | goal | |");
        md.AppendLine("|---|---:|---:|---|");
        foreach (var goal in goals)
        {
            var verdict = (goal.Met, goal.Missing) switch
            {
                (true, _) => "met",
                (false, _) => "**not met**",
                (null, { } missing) => $"n/a: {missing}",
                (null, null) => "information, no goal",
            };
            md.AppendLine(CultureInfo.InvariantCulture, $"| {goal.Name} | {Number(goal.Value, "F2")} | {goal.Goal} | {verdict} |");
        }
    }

    private static void H2LoadTable(StringBuilder md, IReadOnlyList<LevelResult> levels, H2LoadCrossCheck h2load)
    {
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"### h2load cross-check ({h2load.Version})");
        md.AppendLine();
        md.AppendLine(H2LoadCrossCheck.Caveat);
        md.AppendLine();
        md.AppendLine("| level | path | h2load settings | 2xx / total | h2load req/s | h2load mean (µs) | h2load sd (µs) | h2load max (µs) | tool's req/s | tool's mean (µs) |");
        md.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var run in h2load.Runs)
        {
            var own = levels.First(l => l.Label == run.Level).Paths.First(p => ReferenceEquals(p.Target, run.Target)).Result;
            var settings = FormattableString.Invariant($"-n {run.Requests} -c {run.Connections} -m {run.Streams}");
            var r = run.Result;
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {run.Level} | {run.Target.Name} | {settings} | {(r is null ? "—" : FormattableString.Invariant($"{r.Status2xx} / {r.Total}"))} | {Number(r?.RequestsPerSecond)} | {Number(r?.MeanMicros)} | {Number(r?.SdMicros)} | {Number(r?.MaxMicros)} | {Number(Figures.Throughput(own))} | {Number(Figures.MeanMicros(own))} |");
        }

        foreach (var (path, failed) in h2load.BodyChecks)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"\nBody check on {path}: {failed ?? "grpc-status 0 (OK)"}.");
        }

        foreach (var run in h2load.Runs.Where(r => r.Error is not null))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"\nh2load {run.Level} {run.Target.Name}: {run.Error}");
        }
    }

    private static void Difference(StringBuilder md, string label, PathMeasurement path, PathMeasurement baseline)
    {
        var (a, b) = (path.Result, baseline.Result);
        md.Append(CultureInfo.InvariantCulture, $"| {label} | | | {Ratio(Figures.Throughput(a), Figures.Throughput(b))} | {AddedWithRatio(Figures.MeanMicros(a), Figures.MeanMicros(b))} |");
        foreach (var p in Figures.Percentiles)
        {
            md.Append(CultureInfo.InvariantCulture, $" {AddedWithRatio(Figures.Micros(a, p), Figures.Micros(b, p))} |");
        }

        md.AppendLine();
    }

    private static void Row(StringBuilder md, string name, PhaseResult result)
    {
        md.Append(CultureInfo.InvariantCulture, $"| {name} | {result.Successes} | {result.Failures + result.Dropped} | {Number(Figures.Throughput(result))} | {Number(Figures.MeanMicros(result))} |");
        foreach (var p in Figures.Percentiles)
        {
            md.Append(CultureInfo.InvariantCulture, $" {Number(Figures.Micros(result, p))} |");
        }

        md.AppendLine();
    }

    private static void AppendErrors(StringBuilder md, string level, PathMeasurement path)
    {
        var result = path.Result;
        if (result.Failures == 0 && result.Dropped == 0)
        {
            return;
        }

        var parts = result.Errors.Select(e => $"{e.Key} × {e.Value}").ToList();
        if (result.Dropped > 0)
        {
            parts.Add($"dropped (too many in flight) × {result.Dropped}");
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"\nErrors on {path.Target.Name} at {level}: {string.Join(", ", parts)}.");
    }

    private static string Number(double? value, string format = "F0") =>
        value is { } v && double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "n/a";

    private static string Added(double? path, double? baseline) =>
        path is { } a && baseline is { } b ? (a - b).ToString("+0;-0;0", CultureInfo.InvariantCulture) : "n/a";

    private static string AddedWithRatio(double? path, double? baseline) =>
        path is { } a && baseline is { } b ? $"{Added(a, b)} ({Ratio(a, b)})" : "n/a";

    private static string Ratio(double a, double b) =>
        b > 0 && double.IsFinite(a) ? string.Create(CultureInfo.InvariantCulture, $"×{a / b:F2}") : "n/a";
}
