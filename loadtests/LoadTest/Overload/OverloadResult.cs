namespace NeuralSec.LoadTest.Overload;

/// <summary>
/// The phases of an overload run and the bounds they are judged by, all derived from the configuration and the
/// measured baseline (the capacity phase's p99), none from a wall clock:
/// admitted p99 under overload ≤ queue wait + 2 × baseline p99 + 50 ms (a request waits at most the queue wait, then
/// runs about as long as at capacity; 50 ms for scheduling on a small shared machine); shed p99 ≤ queue wait +
/// baseline p99 + 50 ms (a shed request waited at most the queue wait); recovery, after its first seconds, sheds
/// nothing and its p99 is within max(3 × baseline p99, baseline p99 + 20 ms); no answer but OK or overloaded; RSS within bound.
/// </summary>
internal sealed record OverloadResult(
    OverloadOptions Options,
    PhaseOutcome Capacity,
    PhaseOutcome Overload,
    PhaseOutcome Drain,
    PhaseOutcome Recovery,
    long? PeakRssBytes,
    bool StartedSidecar,
    (int[] Sidecar, int[] Load)? Cores)
{
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(50);

    public double BaselineP99Ms => PhaseOutcome.Millis(Capacity.Admitted, 99);

    public double AdmittedBoundMs => Options.MaxQueueWait.TotalMilliseconds + (2 * BaselineP99Ms) + Slack.TotalMilliseconds;

    public double ShedBoundMs => Options.MaxQueueWait.TotalMilliseconds + BaselineP99Ms + Slack.TotalMilliseconds;

    public double RecoveryBoundMs => Math.Max(3 * BaselineP99Ms, BaselineP99Ms + 20);

    public IReadOnlyList<PhaseOutcome> Phases => [Capacity, Overload, Drain, Recovery];

    public IReadOnlyList<(string Check, bool Passed, string Measured)> Checks =>
    [
        ("admitted p99 under overload", !(PhaseOutcome.Millis(Overload.Admitted, 99) > AdmittedBoundMs), $"{PhaseOutcome.Millis(Overload.Admitted, 99):F1} ms ≤ {AdmittedBoundMs:F1} ms"),
        ("shed answers are fast", !(PhaseOutcome.Millis(Overload.Shed, 99) > ShedBoundMs), $"p99 {PhaseOutcome.Millis(Overload.Shed, 99):F1} ms ≤ {ShedBoundMs:F1} ms"),
        ("recovery: nothing shed", Recovery.Shed.TotalCount == 0, $"{Recovery.Shed.TotalCount} shed of {Recovery.Sent}"),
        ("recovery: latency back near baseline", Recovery.Admitted.TotalCount > 0 && PhaseOutcome.Millis(Recovery.Admitted, 99) <= RecoveryBoundMs, $"p99 {PhaseOutcome.Millis(Recovery.Admitted, 99):F1} ms ≤ {RecoveryBoundMs:F1} ms"),
        ("no answer but OK or overloaded", Phases.All(p => p.OtherCount == 0), $"{Phases.Sum(p => p.OtherCount)} other"),
        ("RSS within bound", PeakRssBytes is not { } peak || peak <= Options.MaxRssMib * 1024L * 1024, PeakRssBytes is { } b ? $"peak {b / (1024 * 1024)} MiB ≤ {Options.MaxRssMib} MiB" : "not sampled"),
    ];

    public bool Passed => Checks.All(c => c.Passed);
}
