using Grpc.Core;
using HdrHistogram;

namespace NeuralSec.LoadTest;

/// <summary>What one target accumulated: latencies of successful calls (ns), failures by status, busy time.</summary>
internal sealed class PhaseResult
{
    /// <summary>1 µs … 60 s at 3 significant digits: enough for p99.9 of sub-millisecond calls.</summary>
    public LongConcurrentHistogram Latency { get; } = new(1, 60_000_000_000L, 3);

    public Dictionary<StatusCode, long> Errors { get; } = [];

    /// <summary>Wall time spent running this target's phases; throughput is successes over this.</summary>
    public TimeSpan Elapsed { get; set; }

    public long Successes => Latency.TotalCount;

    public long Failures => Errors.Values.Sum();

    /// <summary>Calls an open loop could not start because too many were already in flight.</summary>
    public long Dropped { get; set; }

    public void RecordError(StatusCode status)
    {
        lock (Errors)
        {
            Errors[status] = Errors.GetValueOrDefault(status) + 1;
        }
    }

    public void Add(PhaseResult other)
    {
        Latency.Add(other.Latency);
        foreach (var (status, count) in other.Errors)
        {
            Errors[status] = Errors.GetValueOrDefault(status) + count;
        }

        Elapsed += other.Elapsed;
        Dropped += other.Dropped;
    }
}
