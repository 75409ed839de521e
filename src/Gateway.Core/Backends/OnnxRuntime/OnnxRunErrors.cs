namespace NeuralSec.Gateway.Backends.OnnxRuntime;

/// <summary>What a caller of the embedded backend is told when its execution does not answer — the same words
/// whether it ran alone or in a dynamic batch, so batching never changes an answer.</summary>
internal static class OnnxRunErrors
{
    /// <summary>The caller's cancellation or deadline came first: DEADLINE_EXCEEDED.</summary>
    public static BackendException Cancelled() =>
        new(BackendError.DeadlineExceeded, "the request was cancelled or its deadline passed while the model ran");

    /// <summary>The model's execution failed: INTERNAL, the cause for the log only.</summary>
    public static BackendException Failed(Exception cause) => new(BackendError.Internal, "the model failed to run", cause);

    /// <summary>The backend is being disposed (the host is stopping): UNAVAILABLE, retryable on another replica.</summary>
    public static BackendException Stopped() => new(BackendError.Unavailable, "the model server is shutting down");
}
