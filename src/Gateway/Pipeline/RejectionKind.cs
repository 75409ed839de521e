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
    Internal,
}
