namespace NeuralSec.Gateway.Backends;

/// <summary>Why a backend call failed; each maps to one gRPC status.</summary>
internal enum BackendError
{
    /// <summary>The model is not served: NOT_FOUND.</summary>
    ModelNotFound,

    /// <summary>The model rejected the input (shape or type it cannot run): INVALID_ARGUMENT.</summary>
    InvalidInput,

    /// <summary>The model server is down, overloaded or its circuit is open: UNAVAILABLE.</summary>
    Unavailable,

    /// <summary>The model did not answer within the deadline: DEADLINE_EXCEEDED.</summary>
    DeadlineExceeded,

    /// <summary>The model server does not offer the call at all (a KServe server asked for a Triton extension):
    /// UNIMPLEMENTED.</summary>
    Unimplemented,

    /// <summary>Anything else: INTERNAL, with no detail to the caller.</summary>
    Internal,
}
