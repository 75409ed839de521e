namespace NeuralSec.LoadTest;

/// <summary>
/// The performance issue's goals, computed from a run. Latency goals are read at the lowest concurrency (c=1 in the
/// full run: latency without queueing), throughput goals at the highest (c=8: the cores saturated). Each goal names the
/// level it was read at; a path that is not in the run leaves its goals without a value, not failed. After the goals
/// comes one ratio without a goal, for information: the reference proxy's added latency over nginx's, how much of a
/// proxy's cost the .NET HTTP/2 stack alone accounts for.
/// </summary>
internal static class Goals
{
    public static IReadOnlyList<GoalCheck> Evaluate(IReadOnlyList<LevelResult> levels, bool openLoop)
    {
        var latency = levels.MinBy(l => l.Level.Concurrency)!;
        var throughput = levels.MaxBy(l => l.Level.Concurrency)!;
        return
        [
            AddedOverNginx($"pass-through sidecar added ÷ nginx added, {latency.Label} mean", latency, TargetKind.Sidecar, Figures.MeanMicros, 1.0),
            AddedOverNginx($"pass-through sidecar added ÷ nginx added, {latency.Label} p99", latency, TargetKind.Sidecar, r => Figures.Micros(r, 99), 1.0),
            ThroughputRatio($"pass-through sidecar ÷ nginx throughput, {throughput.Label}", throughput, TargetKind.Sidecar, TargetKind.Nginx, 1.0, openLoop),
            DefendedOverDirect($"defended added ÷ direct round trip, {latency.Label} mean", latency),
            ThroughputRatio($"defended ÷ direct throughput, {throughput.Label}", throughput, TargetKind.Defended, TargetKind.Direct, 0.5, openLoop),
            AddedOverNginx($"reference proxy added ÷ nginx added, {latency.Label} mean", latency, TargetKind.ReferenceProxy, Figures.MeanMicros, bound: null),
        ];
    }

    /// <summary>(<paramref name="kind"/> − direct) ÷ (nginx − direct) of <paramref name="figure"/>; at most
    /// <paramref name="bound"/>, or information only when it is null.</summary>
    private static GoalCheck AddedOverNginx(string name, LevelResult level, TargetKind kind, Func<PhaseResult, double?> figure, double? bound)
    {
        var (direct, nginx, path) = (level.Of(TargetKind.Direct), level.Of(TargetKind.Nginx), level.Of(kind));
        if (nginx is null)
        {
            return new GoalCheck(name, null, AtMost: true, bound, "no nginx path in this run (--nginx)");
        }

        if (path is null && kind == TargetKind.ReferenceProxy)
        {
            return new GoalCheck(name, null, AtMost: true, bound, "no reference proxy path in this run (--reference-proxy)");
        }

        if (direct is null || path is null || figure(direct.Result) is not { } d || figure(nginx.Result) is not { } n || figure(path.Result) is not { } p)
        {
            return new GoalCheck(name, null, AtMost: true, bound, "a path without successful calls");
        }

        return n - d <= 0
            ? new GoalCheck(name, null, AtMost: true, bound, FormattableString.Invariant($"nginx adds {n - d:+0;-0;0} µs here, nothing to divide by"))
            : new GoalCheck(name, (p - d) / (n - d), AtMost: true, bound);
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
