using Grpc.Core;
using HdrHistogram;

namespace NeuralSec.LoadTest.Overload;

/// <summary>One phase of an overload run: how many were sent, admitted (answered OK) and shed (UNAVAILABLE
/// <c>overloaded</c>), the latency of each from its scheduled send time (ns), and anything else that came back.</summary>
internal sealed class PhaseOutcome(string name, double offeredRate)
{
    public string Name { get; } = name;

    /// <summary>Requests per second the phase meant to send; 0 for the closed loop.</summary>
    public double OfferedRate { get; } = offeredRate;

    /// <summary>1 µs … 60 s at 3 significant digits.</summary>
    public LongConcurrentHistogram Admitted { get; } = new(1, 60_000_000_000L, 3);

    public LongConcurrentHistogram Shed { get; } = new(1, 60_000_000_000L, 3);

    /// <summary>Open loop: how late each send left this process after its scheduled time (ns) — the client's own
    /// share of the latencies above, when the machine it runs on is short of CPU.</summary>
    public LongConcurrentHistogram SendLag { get; } = new(1, 60_000_000_000L, 3);

    public Dictionary<string, long> Other { get; } = [];

    public long Sent { get; set; }

    /// <summary>Sends the open loop skipped because too many were already in flight in this process.</summary>
    public long ClientDropped { get; set; }

    public TimeSpan Elapsed { get; set; }

    /// <summary>The highest sidecar RSS sampled during the phase, in bytes.</summary>
    public long? PeakRssBytes { get; set; }

    public long OtherCount
    {
        get
        {
            lock (Other)
            {
                return Other.Values.Sum();
            }
        }
    }

    public void Record(long startTimestamp, RpcException? failure)
    {
        var nanoseconds = Math.Max(1, System.Diagnostics.Stopwatch.GetElapsedTime(startTimestamp).Ticks * 100);
        if (failure is null)
        {
            Admitted.RecordValue(nanoseconds);
        }
        else if (failure.StatusCode == StatusCode.Unavailable && failure.Trailers.GetValue("x-neuralsec-reason") == "overloaded")
        {
            Shed.RecordValue(nanoseconds);
        }
        else
        {
            var key = failure.Status.DebugException is null
                ? $"{failure.StatusCode} {failure.Trailers.GetValue("x-neuralsec-reason")}".TrimEnd()
                : $"no answer: {failure.StatusCode}";
            lock (Other)
            {
                Other[key] = Other.GetValueOrDefault(key) + 1;
            }
        }
    }

    public static double Millis(HistogramBase histogram, double percentile) =>
        histogram.TotalCount == 0 ? double.NaN : histogram.GetValueAtPercentile(percentile) / 1e6;
}
