namespace NeuralSec.Gateway.Pipeline.Stages;

/// <summary>Adversarial-input detectors that score the inputs (feature squeezing, reconstruction error, STRIP). Pass-through
/// until the input-defense work fills it in.</summary>
internal sealed class DetectStage : IPipelineStage
{
    public string Name => "detect";

    public ValueTask<StageOutcome> ExecuteAsync(InferenceContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(StageOutcome.Continue);
}
