using Grpc.Core;

namespace NeuralSec.Gateway.Tests.Upstream;

/// <summary>What the fake model server does next; tests change it between calls. Thread-safe.</summary>
internal sealed class FakeModelServerBehavior
{
    private int failuresRemaining;
    private int inferCalls;
    private int metadataCalls;
    private int serverReadyCalls;
    private volatile bool ready = true;
    private long delayTicks;
    private volatile TaskCompletionSource? hung;

    /// <summary>Status returned by the next <see cref="FailNext"/> ModelInfer/ModelMetadata calls.</summary>
    public StatusCode FailureStatus { get; private set; } = StatusCode.Unavailable;

    public bool Ready
    {
        get => ready;
        set => ready = value;
    }

    /// <summary>Delay before answering ModelInfer; it honours the call's cancellation.</summary>
    public TimeSpan Delay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref delayTicks));
        set => Interlocked.Exchange(ref delayTicks, value.Ticks);
    }

    public int InferCalls => Volatile.Read(ref inferCalls);

    public int MetadataCalls => Volatile.Read(ref metadataCalls);

    public int ServerReadyCalls => Volatile.Read(ref serverReadyCalls);

    /// <summary>Completes when a ModelInfer call saw its cancellation token fire.</summary>
    public TaskCompletionSource InferCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a ModelInfer call has arrived.</summary>
    public TaskCompletionSource InferStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How ModelInfer answers: raw contents (Triton), typed contents (MLServer-style) or malformed.</summary>
    public FakeResponseMode ResponseMode { get; set; } = FakeResponseMode.Raw;

    /// <summary>The deadline the last ModelInfer call carried.</summary>
    public DateTime LastDeadline { get; set; }

    public void FailNext(int count, StatusCode status)
    {
        FailureStatus = status;
        Volatile.Write(ref failuresRemaining, count);
    }

    public void Heal() => Volatile.Write(ref failuresRemaining, 0);

    /// <summary>From now on every call (ServerReady included) waits, deaf to cancellation and deadlines, until
    /// <see cref="Release"/>: a process that stopped answering (SIGSTOP, a wedged GPU driver), not a slow one.</summary>
    public void Hang() => hung = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Answers everything that waited, and everything after.</summary>
    public void Release() => Interlocked.Exchange(ref hung, null)?.TrySetResult();

    /// <summary>Completes at once unless the server is hung.</summary>
    internal Task WhileHung() => hung?.Task ?? Task.CompletedTask;

    internal int CountInfer() => Interlocked.Increment(ref inferCalls);

    internal int CountMetadata() => Interlocked.Increment(ref metadataCalls);

    internal int CountServerReady() => Interlocked.Increment(ref serverReadyCalls);

    /// <summary>Throws the configured failure while failures remain.</summary>
    internal void MaybeFail()
    {
        while (true)
        {
            var remaining = Volatile.Read(ref failuresRemaining);
            if (remaining <= 0)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref failuresRemaining, remaining - 1, remaining) == remaining)
            {
                throw new RpcException(new Status(FailureStatus, "injected failure"));
            }
        }
    }
}
