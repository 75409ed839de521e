namespace NeuralSec.Gateway.Pipeline.Stages;

/// <summary>Selects the firewall policy for the model and client. Until policy files land the built-in pass-through policy
/// applies: nothing beyond validation is enforced.</summary>
internal sealed class PolicyStage : IPipelineStage
{
    public string Name => "policy";

    public ValueTask<StageOutcome> ExecuteAsync(InferenceContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(StageOutcome.Continue);
}
