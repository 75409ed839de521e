using System.Diagnostics;
using NeuralSec.Gateway.Pipeline;
using NeuralSec.Gateway.Services;

namespace NeuralSec.Gateway.Tracing;

/// <summary>
/// The sidecar's spans: <c>neuralsec.infer</c> for a request's trip through the pipeline, with a child
/// <c>neuralsec.stage.&lt;stage&gt;</c> per stage that ran, so a slow request shows where its time went. Tags carry what
/// an operator needs and nothing a caller could grow: model (only names a policy knows), outcome, reason code,
/// policy. No detector names or scores: those go to alerts and metrics.
/// </summary>
internal static class PipelineTracing
{
    public const string SourceName = "NeuralSec.Gateway";

    public static readonly ActivitySource Source = new(SourceName, ServerInfo.Version);

    private static readonly string[] StageSpanNames = Enum.GetValues<PipelineStageId>()
        .Select(id => $"neuralsec.stage.{PipelineStageNames.Of(id)}")
        .ToArray();

    /// <summary>A request span, or null when nobody listens (tracing off, or not sampled).</summary>
    public static Activity? StartRequest() =>
        Source.HasListeners() ? Source.StartActivity("neuralsec.infer", ActivityKind.Internal) : null;

    /// <summary>A stage span under <paramref name="request"/>; null when the request is not traced.</summary>
    public static Activity? StartStage(Activity? request, PipelineStageId stage) =>
        request is null ? null : Source.StartActivity(StageSpanNames[(int)stage], ActivityKind.Internal);
}
