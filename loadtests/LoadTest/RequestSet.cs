using NeuralSec.Protocol.Inference;

namespace NeuralSec.LoadTest;

/// <summary>
/// The requests a run sends, handed out round-robin to every worker: one request (every call identical, the
/// default), or one per distinct real digit (<c>--distinct-digits</c>), so that stateful defenses see what they would
/// see in production — fresh queries — rather than one repeated image, which a near-duplicate index recognises and
/// skips.
/// </summary>
internal sealed class RequestSet
{
    private readonly ModelInferRequest[] requests;
    private long next = -1;

    public RequestSet(IReadOnlyList<ModelInferRequest> requests)
    {
        ArgumentOutOfRangeException.ThrowIfZero(requests.Count);
        this.requests = [.. requests];
    }

    public int Count => requests.Length;

    /// <summary><c>--time-refusals</c>: a PERMISSION_DENIED answer is timed like any other, not counted as an error —
    /// for measuring what a flood of inputs the detectors refuse (uniform noise) costs the sidecar.</summary>
    public bool TimeRefusals { get; init; }

    /// <summary>The next request, cycling (thread-safe).</summary>
    public ModelInferRequest Next() => requests[(int)((ulong)Interlocked.Increment(ref next) % (ulong)requests.Length)];
}
