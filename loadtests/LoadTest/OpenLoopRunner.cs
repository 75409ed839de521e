using System.Diagnostics;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.LoadTest;

/// <summary>
/// Sends at a fixed rate whatever the answers do, the way independent clients arrive. Each latency counts from
/// the scheduled send time, so a stall shows up in every request queued behind it instead of vanishing.
/// Timers tick at about a millisecond, so requests due in the same tick leave together; at high rates this
/// adds up to ~1 ms to both targets alike.
/// </summary>
internal static class OpenLoopRunner
{
    /// <summary>Beyond this many in flight the target is overloaded; further sends are counted as dropped rather
    /// than piling up unbounded in this process.</summary>
    private const int MaxInFlight = 4_096;

    public static async Task<PhaseResult> RunAsync(Target target, RequestSet request, int requests, double rate, TimeSpan budget, bool record)
    {
        var result = new PhaseResult();
        var inFlight = new List<Task>(requests);
        var outstanding = 0;
        var started = Stopwatch.GetTimestamp();
        var ticksPerRequest = Stopwatch.Frequency / rate;
        long dropped = 0;
        for (var i = 0; i < requests; i++)
        {
            var due = started + (long)(i * ticksPerRequest);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            if (Stopwatch.GetElapsedTime(started) >= budget)
            {
                break;
            }

            if (Volatile.Read(ref outstanding) >= MaxInFlight)
            {
                dropped++;
                continue;
            }

            Interlocked.Increment(ref outstanding);
            inFlight.Add(SendAsync(due));
        }

        await Task.WhenAll(inFlight);
        result.Elapsed = Stopwatch.GetElapsedTime(started);
        result.Dropped = dropped;
        return result;

        async Task SendAsync(long due)
        {
            try
            {
                await ClosedLoopRunner.CallOnceAsync(target, request.Next(), request.TimeRefusals, result, record, due);
            }
            finally
            {
                Interlocked.Decrement(ref outstanding);
            }
        }
    }
}
