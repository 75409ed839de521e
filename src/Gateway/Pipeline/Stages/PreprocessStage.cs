namespace NeuralSec.Gateway.Pipeline.Stages;

/// <summary>Purifying transforms of the inputs (bit-depth, median, JPEG, random resize-and-pad). Pass-through until the
/// input-defense work fills it in.</summary>
internal sealed class PreprocessStage : IPipelineStage
{
    public string Name => "preprocess";

    public ValueTask<StageOutcome> ExecuteAsync(InferenceContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(StageOutcome.Continue);
}
