namespace NeuralSec.Gateway.Tests.Upstream;

/// <summary>
/// A clock the test moves by hand, so the breaker's sampling window and break duration pass without waiting.
/// Timers still run on real time (the base class's), which keeps the per-call timeouts working as limits.
/// </summary>
internal sealed class ManualClock : TimeProvider
{
    private long offsetTicks;

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow + TimeSpan.FromTicks(Interlocked.Read(ref offsetTicks));

    public override long GetTimestamp() => base.GetTimestamp() + (long)(Interlocked.Read(ref offsetTicks) * (TimestampFrequency / (double)TimeSpan.TicksPerSecond));

    public void Advance(TimeSpan by) => Interlocked.Add(ref offsetTicks, by.Ticks);
}
