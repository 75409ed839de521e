using NeuralSec.Gateway.Protocol;
namespace NeuralSec.Gateway.Pipeline;

/// <summary>
/// A refusal: its kind (the status), a short machine-readable reason code for the <c>x-neuralsec-reason</c>
/// trailer, and a message safe to show the caller — never an internal detail.
/// </summary>
internal sealed record PipelineRejection(RejectionKind Kind, string ReasonCode, string Message)
{
    /// <summary>How long the caller should wait before retrying (rate limits), when known.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static PipelineRejection Invalid(string reasonCode, string message) =>
        new(RejectionKind.InvalidArgument, reasonCode, message);

    public static PipelineRejection ModelNotFound(string model) =>
        new(RejectionKind.NotFound, "model_not_found", $"model {CallerText.Quote(model)} is not served here");
}
