using NeuralSec.Gateway.Hardening;

namespace NeuralSec.Gateway.Pipeline.Stages;

/// <summary>Applies the policy's output hardening (top-k, rounding, label-only) and the degrade decision.</summary>
internal sealed class OutputHardeningStage : IPipelineStage
{
    public PipelineStageId Id => PipelineStageId.Harden;

    public ValueTask<StageOutcome> ExecuteAsync(InferenceContext context, CancellationToken cancellationToken)
    {
        var policy = context.Policy?.Output;
        var degrade = context.Decision.DegradeOutput;
        if (policy is null || !OutputHardener.AppliesTo(policy, degrade))
        {
            return ValueTask.FromResult(StageOutcome.Continue);
        }

        context.Outputs = context.Outputs.Select(o => OutputHardener.Harden(o, policy, degrade)).ToArray();
        return ValueTask.FromResult(StageOutcome.Continue);
    }
}
