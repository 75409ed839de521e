namespace NeuralSec.Gateway.Pipeline.Stages;

/// <summary>Raises SOC alerts for non-allow decisions. It runs after a rejection too, so every refusal can
/// become a finding; until the alert pipeline lands it only counts.</summary>
internal sealed class AlertStage : IPipelineStage
{
    public string Name => "alert";

    public bool RunsAfterRejection => true;
    public ValueTask<StageOutcome> ExecuteAsync(InferenceContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(StageOutcome.Continue);
}
