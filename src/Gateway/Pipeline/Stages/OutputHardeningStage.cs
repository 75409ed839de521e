namespace NeuralSec.Gateway.Pipeline.Stages;

/// <summary>Hardens outputs against extraction (top-k, rounding, label-only). Pass-through until policies configure it.</summary>
internal sealed class OutputHardeningStage : IPipelineStage
{
    public string Name => "harden";

    public ValueTask<StageOutcome> ExecuteAsync(InferenceContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(StageOutcome.Continue);
}
