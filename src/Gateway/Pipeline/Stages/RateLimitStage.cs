namespace NeuralSec.Gateway.Pipeline.Stages;

/// <summary>Per-client budgets and extraction-pattern detectors. Pass-through until the extraction-defense work fills it in.</summary>
internal sealed class RateLimitStage : IPipelineStage
{
    public string Name => "limit";

    public ValueTask<StageOutcome> ExecuteAsync(InferenceContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(StageOutcome.Continue);
}
