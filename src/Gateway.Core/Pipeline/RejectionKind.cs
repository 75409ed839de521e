namespace NeuralSec.Gateway.Pipeline;

/// <summary>Why a request was not answered; each maps to one gRPC status and one HTTP status.</summary>
internal enum RejectionKind
{
    InvalidArgument,
    NotFound,
    Unauthenticated,
    PermissionDenied,
    ResourceExhausted,
    Unavailable,
    DeadlineExceeded,

    /// <summary>The request itself exceeds a transport limit (a REST body over its size bound).</summary>
    TooLarge,

    /// <summary>The caller was too slow sending its request (a stalled REST body).</summary>
    ClientTimeout,

    /// <summary>The call is not offered (the model server behind the sidecar does not implement it).</summary>
    Unimplemented,

    Internal,
}
