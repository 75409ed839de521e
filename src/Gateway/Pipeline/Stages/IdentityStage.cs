namespace NeuralSec.Gateway.Pipeline.Stages;

/// <summary>Identifies the caller (mTLS subject, API key or a trusted mesh header). Until client identity lands every caller
/// is <c>anonymous</c>; the stage sits in its place so the order of the path is fixed.</summary>
internal sealed class IdentityStage : IPipelineStage
{
    public string Name => "identity";

    public ValueTask<StageOutcome> ExecuteAsync(InferenceContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(StageOutcome.Continue);
}
