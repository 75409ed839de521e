using NeuralSec.Gateway.Backends;

namespace NeuralSec.Gateway.Pipeline.Stages;

/// <summary>Maps a backend fault to the rejection the caller sees; internal faults keep their detail for logs.</summary>
internal static class BackendFaults
{
    public static PipelineRejection ToRejection(BackendException ex) => ex.Error switch
    {
        BackendError.ModelNotFound => new PipelineRejection(RejectionKind.NotFound, "model_not_found", ex.Message),
        BackendError.InvalidInput => new PipelineRejection(RejectionKind.InvalidArgument, "model_rejected_input", ex.Message),
        BackendError.Unavailable => new PipelineRejection(RejectionKind.Unavailable, "backend_unavailable", ex.Message),
        BackendError.DeadlineExceeded => new PipelineRejection(RejectionKind.DeadlineExceeded, "backend_timeout", ex.Message),
        BackendError.Unimplemented => new PipelineRejection(RejectionKind.Unimplemented, "not_implemented", ex.Message),
        _ => new PipelineRejection(RejectionKind.Internal, "backend_error", "the model failed to answer"),
    };
}
