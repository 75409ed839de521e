using System.Globalization;
using NeuralSec.Gateway.Decisions;

namespace NeuralSec.Gateway.Pipeline.Stages;

/// <summary>
/// Turns the detectors' verdicts into the request's decision under its policy: the strongest flagged action
/// wins (block &gt; throttle &gt; degrade &gt; alert); monitor mode records it without applying it. A refused caller
/// reads the coarse <see cref="ReasonCodes.SuspiciousInput"/> and a fixed message — which detector fired and by how
/// much stays in the alert — unless the policy's <c>refusals.explain</c> asks for the detail.
/// </summary>
internal sealed class DecisionStage : IPipelineStage
{
    /// <summary>What every refused caller reads when the policy does not explain refusals.</summary>
    public const string CoarseMessage = "the request was refused by the model's input checks";

    public PipelineStageId Id => PipelineStageId.Decide;

    public ValueTask<StageOutcome> ExecuteAsync(InferenceContext context, CancellationToken cancellationToken)
    {
        var decision = context.Decision;
        Verdict? strongest = null;
        foreach (var verdict in decision.Verdicts)
        {
            if (verdict.Stage == PipelineStageId.Detect && verdict.Flagged && verdict.Error is null && (strongest is null || verdict.Action.Severity() > strongest.Action.Severity()))
            {
                strongest = verdict;
            }
        }

        if (strongest is null)
        {
            return ValueTask.FromResult(StageOutcome.Continue);
        }

        var message = context.Policy?.Refusals.Explain == true
            ? string.Create(CultureInfo.InvariantCulture, $"input flagged by {strongest.Defense} (score {strongest.Score:G4}, threshold {strongest.Threshold:G4})")
            : CoarseMessage;
        return ValueTask.FromResult(Enforcement.Decide(context, strongest.Action.ToOutcome(), ReasonCodes.SuspiciousInput, message));
    }
}
