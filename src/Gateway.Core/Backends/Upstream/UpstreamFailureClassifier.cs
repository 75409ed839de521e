using Grpc.Core;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace NeuralSec.Gateway.Backends.Upstream;

/// <summary>
/// The one place that decides what an upstream failure means: whether it is worth a retry, whether it says the
/// model server is sick (and so counts towards opening the circuit), and how it is reported to the caller.
/// </summary>
internal static class UpstreamFailureClassifier
{
    /// <summary>Failures that a second attempt may cure. Inference is a pure function of its input, so repeating
    /// it is safe; a refused input (INVALID_ARGUMENT, NOT_FOUND, …) would only be refused again.</summary>
    public static bool IsTransient(Exception exception) =>
        exception is RpcException { StatusCode: StatusCode.Unavailable or StatusCode.ResourceExhausted } || IsTransportFailure(exception);

    /// <summary>The connection broke under the call (a server that went away mid-stream): the client reports it
    /// as INTERNAL or UNKNOWN, but no server answered anything — it is the server being unreachable.</summary>
    public static bool IsTransportFailure(Exception exception) =>
        exception is RpcException { StatusCode: StatusCode.Internal or StatusCode.Unknown } rpc
        && rpc.Status.DebugException is HttpRequestException or IOException;

    /// <summary>Failures that speak about the server's health rather than the request's content. The caller's own
    /// mistakes must not open the circuit for everyone else. An attempt the server did not answer in time is
    /// DEADLINE_EXCEEDED; a <see cref="TimeoutRejectedException"/> is time spent before any attempt (queued behind
    /// other calls, or a backoff past the budget), which says nothing new about the server.</summary>
    public static bool IndicatesUnhealthyServer(Exception exception) => exception switch
    {
        RpcException rpc => rpc.StatusCode is StatusCode.Unavailable or StatusCode.ResourceExhausted
            or StatusCode.DeadlineExceeded or StatusCode.Internal or StatusCode.Unknown or StatusCode.DataLoss,
        _ => false,
    };

    /// <summary>Failures that mean the server cannot be reached at all, so the sidecar should stop calling itself
    /// ready until a poll says otherwise.</summary>
    public static bool IndicatesServerDown(Exception exception) =>
        exception is RpcException { StatusCode: StatusCode.Unavailable } || IsTransportFailure(exception);

    /// <summary>Maps a failure to the caller-facing classification, a safe message and a metric label.</summary>
    public static UpstreamFailure Classify(Exception exception) => exception switch
    {
        BrokenCircuitException => new(BackendError.Unavailable, "The model server is unavailable (circuit open).", "circuit_open"),
        RateLimiterRejectedException => new(BackendError.Unavailable, "The model server is overloaded.", "concurrency_limit"),
        TimeoutRejectedException => new(BackendError.DeadlineExceeded, "The model server did not answer in time.", "timeout"),
        RpcException rpc when IsTransportFailure(rpc) => new(BackendError.Unavailable, "The model server is unavailable.", "connection"),
        RpcException rpc => ClassifyStatus(rpc.StatusCode),
        HttpRequestException => new(BackendError.Unavailable, "The model server is unavailable.", "connection"),
        UpstreamProtocolException => new(BackendError.Internal, "The model server sent a malformed response.", "malformed_response"),
        _ => new(BackendError.Internal, "The model call failed.", "internal"),
    };

    private static UpstreamFailure ClassifyStatus(StatusCode status) => status switch
    {
        StatusCode.Unavailable => new(BackendError.Unavailable, "The model server is unavailable.", "unavailable"),
        StatusCode.ResourceExhausted => new(BackendError.Unavailable, "The model server is overloaded.", "resource_exhausted"),
        StatusCode.DeadlineExceeded => new(BackendError.DeadlineExceeded, "The model server did not answer in time.", "deadline_exceeded"),
        StatusCode.NotFound => new(BackendError.ModelNotFound, "The model is not served.", "not_found"),
        StatusCode.InvalidArgument => new(BackendError.InvalidInput, "The model rejected the input.", "invalid_argument"),
        StatusCode.Unimplemented => new(BackendError.Unimplemented, "The model server does not implement this call.", "unimplemented"),
        _ => new(BackendError.Internal, "The model call failed.", "status_" + status.ToString().ToLowerInvariant()),
    };
}
