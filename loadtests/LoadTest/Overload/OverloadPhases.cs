using System.Diagnostics;
using Grpc.Core;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.LoadTest.Overload;

/// <summary>
/// The two ways an overload run sends: a closed loop (N workers, each sending when its last call answered) to find
/// what the sidecar serves, and an open loop (sends on a fixed schedule whatever the answers do, as independent
/// callers arrive) to offer more than that. A send never waits for an answer, so there is no coordinated omission
/// to correct: latency counts from when the request left, and how late it left its schedule (this process short of
/// CPU) is kept apart as the send lag. Timers tick at about a millisecond, so sends due in one tick leave together.
/// </summary>
internal static class OverloadPhases
{
    /// <summary>Beyond this many in flight in this process, further sends are counted as dropped, not queued.</summary>
    private const int MaxInFlight = 20_000;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public static async Task<PhaseOutcome> ClosedLoopAsync(Target target, ModelInferRequest request, int workers, TimeSpan duration)
    {
        var phase = new PhaseOutcome("capacity (closed loop)", 0);
        var started = Stopwatch.GetTimestamp();
        long sent = 0;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetElapsedTime(started) < duration)
            {
                Interlocked.Increment(ref sent);
                await CallAsync(target, request, phase, Stopwatch.GetTimestamp());
            }
        })));
        phase.Elapsed = Stopwatch.GetElapsedTime(started);
        phase.Sent = sent;
        return phase;
    }

    public static async Task<PhaseOutcome> OpenLoopAsync(string name, Target target, ModelInferRequest request, double rate, TimeSpan duration)
    {
        var phase = new PhaseOutcome(name, rate);
        var inFlight = new List<Task>();
        var outstanding = 0;
        var started = Stopwatch.GetTimestamp();
        var ticksPerRequest = Stopwatch.Frequency / rate;
        long sent = 0;
        long dropped = 0;
        for (long i = 0; ; i++)
        {
            var due = started + (long)(i * ticksPerRequest);
            if (Stopwatch.GetElapsedTime(started, due) >= duration)
            {
                break;
            }

            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            if (Volatile.Read(ref outstanding) >= MaxInFlight)
            {
                dropped++;
                continue;
            }

            Interlocked.Increment(ref outstanding);
            sent++;
            var now = Stopwatch.GetTimestamp();
            phase.SendLag.RecordValue(Math.Max(1, Stopwatch.GetElapsedTime(due, now).Ticks * 100));
            inFlight.Add(SendAsync(now));
            if (inFlight.Count > 50_000)
            {
                inFlight.RemoveAll(t => t.IsCompleted);
            }
        }

        await Task.WhenAll(inFlight);
        phase.Elapsed = Stopwatch.GetElapsedTime(started);
        phase.Sent = sent;
        phase.ClientDropped = dropped;
        return phase;

        async Task SendAsync(long sentAt)
        {
            try
            {
                await CallAsync(target, request, phase, sentAt);
            }
            finally
            {
                Interlocked.Decrement(ref outstanding);
            }
        }
    }

    private static async Task CallAsync(Target target, ModelInferRequest request, PhaseOutcome phase, long startTimestamp)
    {
        try
        {
            await target.Client.ModelInferAsync(request, deadline: DateTime.UtcNow.Add(Deadline));
            phase.Record(startTimestamp, null);
        }
        catch (RpcException ex)
        {
            phase.Record(startTimestamp, ex);
        }
    }
}
