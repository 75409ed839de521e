using NeuralSec.Gateway.Decisions;
using NeuralSec.Gateway.Defenses;

namespace NeuralSec.Gateway.Pipeline.Stages;

/// <summary>
/// The policy's purifying transforms (bit depth, median, JPEG, randomized resize-and-pad, …), applied in order to
/// a copy of the image input; the copy is what is forwarded. A transform that throws falls under the policy's
/// fail-open (forward the input unpurified, alert) or fail-closed (refuse) rule.
/// </summary>
internal sealed class PreprocessStage(DefenseRegistry registry, DefenseRandomness randomness, ILogger<PreprocessStage> logger) : IPipelineStage
{
    public PipelineStageId Id => PipelineStageId.Preprocess;

    public ValueTask<StageOutcome> ExecuteAsync(InferenceContext context, CancellationToken cancellationToken)
    {
        if (context.Policy is not { Preprocess.Count: > 0 } policy)
        {
            return ValueTask.FromResult(StageOutcome.Continue);
        }

        var current = "build";
        try
        {
            var defenses = registry.For(policy);
            var rejection = ImageTransforms.Apply(context, defenses, defenses.Preprocessors, randomness.Next(), ref current);
            return ValueTask.FromResult(rejection is null ? StageOutcome.Continue : (StageOutcome)rejection);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Logging.Log.DefenseFailed(logger, ex, PipelineStageNames.Of(Id), current);
            return ValueTask.FromResult(Enforcement.DefenseFailed(context, Id, current, ex));
        }
    }
}
