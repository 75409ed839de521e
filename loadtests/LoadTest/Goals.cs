namespace NeuralSec.LoadTest;

/// <summary>
/// The performance issue's goals, computed from a run. Latency goals are read at the lowest concurrency (c=1 in the
/// full run: latency without queueing), throughput goals at the highest (c=8: the cores saturated). Each goal names the
/// level it was read at; a path that is not in the run leaves its goals without a value, not failed.
/// </summary>
internal static class Goals
{
    public static IReadOnlyList<GoalCheck> Evaluate(IReadOnlyList<LevelResult> levels, bool openLoop)
    {
        var latency = levels.MinBy(l => l.Level.Concurrency)!;
        var throughput = levels.MaxBy(l => l.Level.Concurrency)!;
        return
        [
            AddedOverNginx($"pass-through sidecar added ÷ nginx added, {latency.Label} mean", latency, Figures.MeanMicros),
            AddedOverNginx($"pass-through sidecar added ÷ nginx added, {latency.Label} p99", latency, r => Figures.Micros(r, 99)),
            ThroughputRatio($"pass-through sidecar ÷ nginx throughput, {throughput.Label}", throughput, TargetKind.Sidecar, TargetKind.Nginx, 1.0, openLoop),
            DefendedOverDirect($"defended added ÷ direct round trip, {latency.Label} mean", latency),
            ThroughputRatio($"defended ÷ direct throughput, {throughput.Label}", throughput, TargetKind.Defended, TargetKind.Direct, 0.5, openLoop),
        ];
    }

    private static GoalCheck AddedOverNginx(string name, LevelResult level, Func<PhaseResult, double?> figure)
    {
        var (direct, nginx, sidecar) = (level.Of(TargetKind.Direct), level.Of(TargetKind.Nginx), level.Of(TargetKind.Sidecar));
        if (nginx is null)
        {
            return new GoalCheck(name, null, AtMost: true, 1.0, "no nginx path in this run (--nginx)");
        }

        if (direct is null || sidecar is null || figure(direct.Result) is not { } d || figure(nginx.Result) is not { } n || figure(sidecar.Result) is not { } s)
        {
            return new GoalCheck(name, null, AtMost: true, 1.0, "a path without successful calls");
        }

        return n - d <= 0
            ? new GoalCheck(name, null, AtMost: true, 1.0, FormattableString.Invariant($"nginx adds {n - d:+0;-0;0} µs here, nothing to divide by"))
            : new GoalCheck(name, (s - d) / (n - d), AtMost: true, 1.0);
    }

    private static GoalCheck DefendedOverDirect(string name, LevelResult level)
    {
        var (direct, defended) = (level.Of(TargetKind.Direct), level.Of(TargetKind.Defended));
        if (defended is null)
        {
            return new GoalCheck(name, null, AtMost: true, 1.5, "no defended path in this run (--defended-policies)");
        }

        return direct is not null && Figures.MeanMicros(direct.Result) is double d && d > 0 && Figures.MeanMicros(defended.Result) is { } f
            ? new GoalCheck(name, (f - d) / d, AtMost: true, 1.5)
            : new GoalCheck(name, null, AtMost: true, 1.5, "a path without successful calls");
    }

    private static GoalCheck ThroughputRatio(string name, LevelResult level, TargetKind path, TargetKind baseline, double bound, bool openLoop)
    {
        var (p, b) = (level.Of(path), level.Of(baseline));
        if (openLoop)
        {
            return new GoalCheck(name, null, AtMost: false, bound, "open loop: throughput is the offered rate");
        }

        if (p is null || b is null)
        {
            return new GoalCheck(name, null, AtMost: false, bound, $"no {(p is null ? path : baseline).ToString().ToLowerInvariant()} path in this run");
        }

        var baselineThroughput = Figures.Throughput(b.Result);
        return baselineThroughput > 0
            ? new GoalCheck(name, Figures.Throughput(p.Result) / baselineThroughput, AtMost: false, bound)
            : new GoalCheck(name, null, AtMost: false, bound, "a path without successful calls");
    }
}
