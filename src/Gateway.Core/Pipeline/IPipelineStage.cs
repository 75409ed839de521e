namespace NeuralSec.Gateway.Pipeline;

/// <summary>
/// One step of the request path. Stages are singletons and hold no per-request state: everything a request
/// carries lives in its <see cref="InferenceContext"/>.
/// </summary>
internal interface IPipelineStage
{
    /// <summary>Which stage this is; its place in the path is the order of <see cref="PipelineStageId"/>.</summary>
    PipelineStageId Id { get; }

    /// <summary>True for stages that must also see rejected requests (alerting), run after the rejection.</summary>
    bool RunsAfterRejection => false;

    ValueTask<StageOutcome> ExecuteAsync(InferenceContext context, CancellationToken cancellationToken);
}
