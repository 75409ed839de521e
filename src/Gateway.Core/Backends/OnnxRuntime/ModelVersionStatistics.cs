using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Backends.OnnxRuntime;

/// <summary>
/// Triton-style cumulative statistics of one loaded model version, counted lock-free on the request path. There is
/// one instance per version in the repository, created at load: a caller's model name never creates one, so the
/// memory is fixed whatever is asked. Only what the backend measures is reported — success and failure of each
/// request, and the compute phases of its execution; the queue figure only for a version with dynamic batching (no
/// queue stands in front of an unbatched session). As in Triton, a batched execution counts once in
/// <c>execution_count</c> and once per row in <c>inference_count</c>, while success, queue and compute count per request
/// (each with its batch's compute durations).
/// </summary>
internal sealed class ModelVersionStatistics(string name, string version, TimeProvider time)
{
    private readonly double _nanosecondsPerTick = 1_000_000_000.0 / time.TimestampFrequency;
    private long _lastInferenceMs;
    private long _inferenceCount;
    private long _executionCount;
    private long _successCount;
    private long _successTicks;
    private long _failCount;
    private long _failTicks;
    private long _inputTicks;
    private long _inferTicks;
    private long _outputTicks;
    private long _queueTicks;
    private volatile bool _queued;

    public string Name => name;

    public string Version => version;

    /// <summary>One execution that answered: <paramref name="batch"/> inferences (the batch dimension of a batching
    /// model, otherwise 1), <paramref name="total"/> ticks from the backend's start to its answer.</summary>
    public void RecordSuccess(long batch, long total, RunPhases phases)
    {
        Interlocked.Add(ref _inferenceCount, batch);
        Interlocked.Increment(ref _executionCount);
        Interlocked.Increment(ref _successCount);
        Interlocked.Add(ref _successTicks, total);
        Interlocked.Add(ref _inputTicks, phases.Input);
        Interlocked.Add(ref _inferTicks, phases.Infer);
        Interlocked.Add(ref _outputTicks, phases.Output);
        Interlocked.Exchange(ref _lastInferenceMs, time.GetUtcNow().ToUnixTimeMilliseconds());
    }

    /// <summary>From now on the version has a queue (dynamic batching): its queue time is reported.</summary>
    public void MeasureQueue() => _queued = true;

    /// <summary>One batched execution that answered: <paramref name="inferences"/> rows delivered to callers.</summary>
    public void RecordExecution(long inferences)
    {
        Interlocked.Add(ref _inferenceCount, inferences);
        Interlocked.Increment(ref _executionCount);
        Interlocked.Exchange(ref _lastInferenceMs, time.GetUtcNow().ToUnixTimeMilliseconds());
    }

    /// <summary>One request of a batched execution answered: <paramref name="total"/> ticks from its arrival at the
    /// backend to its answer, <paramref name="queue"/> of them waiting for its batch to start, and its batch's
    /// phases.</summary>
    public void RecordBatchedSuccess(long total, long queue, RunPhases phases)
    {
        Interlocked.Increment(ref _successCount);
        Interlocked.Add(ref _successTicks, total);
        Interlocked.Add(ref _queueTicks, queue);
        Interlocked.Add(ref _inputTicks, phases.Input);
        Interlocked.Add(ref _inferTicks, phases.Infer);
        Interlocked.Add(ref _outputTicks, phases.Output);
    }

    /// <summary>One request (one execution, without batching) that failed after <paramref name="total"/> ticks.</summary>
    public void RecordFailure(long total)
    {
        Interlocked.Increment(ref _failCount);
        Interlocked.Add(ref _failTicks, total);
        Interlocked.Exchange(ref _lastInferenceMs, time.GetUtcNow().ToUnixTimeMilliseconds());
    }

    /// <summary>A snapshot as Triton's message. Each counter is read atomically; the set as a whole may straddle a
    /// request in flight, as Triton's does.</summary>
    public ModelStatistics ToMessage()
    {
        var successes = (ulong)Interlocked.Read(ref _successCount);
        return new ModelStatistics
        {
            Name = name,
            Version = version,
            LastInference = (ulong)Interlocked.Read(ref _lastInferenceMs),
            InferenceCount = (ulong)Interlocked.Read(ref _inferenceCount),
            ExecutionCount = (ulong)Interlocked.Read(ref _executionCount),
            InferenceStats = new InferStatistics
            {
                Success = Duration(successes, ref _successTicks),
                Fail = Duration((ulong)Interlocked.Read(ref _failCount), ref _failTicks),
                Queue = _queued ? Duration(successes, ref _queueTicks) : null,
                ComputeInput = Duration(successes, ref _inputTicks),
                ComputeInfer = Duration(successes, ref _inferTicks),
                ComputeOutput = Duration(successes, ref _outputTicks),
            },
        };
    }

    private StatisticDuration Duration(ulong count, ref long ticks) =>
        new() { Count = count, Ns = (ulong)(Interlocked.Read(ref ticks) * _nanosecondsPerTick) };
}
