using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Backends.OnnxRuntime;

/// <summary>
/// Triton-style cumulative statistics of one loaded model version, counted lock-free on the request path. There is
/// one instance per version in the repository, created at load: a caller's model name never creates one, so the
/// memory is fixed whatever is asked. Only what the backend measures is reported — success and failure of each
/// execution, and its compute phases; there is no queue in front of an embedded session, so no queue figure.
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

    /// <summary>One execution that failed after <paramref name="total"/> ticks.</summary>
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
                ComputeInput = Duration(successes, ref _inputTicks),
                ComputeInfer = Duration(successes, ref _inferTicks),
                ComputeOutput = Duration(successes, ref _outputTicks),
            },
        };
    }

    private StatisticDuration Duration(ulong count, ref long ticks) =>
        new() { Count = count, Ns = (ulong)(Interlocked.Read(ref ticks) * _nanosecondsPerTick) };
}
