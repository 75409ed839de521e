using NeuralSec.Gateway.Decisions;

namespace NeuralSec.Gateway.Pipeline.Stages;

/// <summary>
/// Turns the detectors' verdicts into the request's decision under its policy: the strongest flagged action
/// wins (block &gt; throttle &gt; degrade &gt; alert); monitor mode records it without applying it.
/// </summary>
internal sealed class DecisionStage : IPipelineStage
{
    public string Name => "decide";

    public ValueTask<StageOutcome> ExecuteAsync(InferenceContext context, CancellationToken cancellationToken)
    {
        var decision = context.Decision;
        Verdict? strongest = null;
        foreach (var verdict in decision.Verdicts)
        {
            if (verdict.Stage == "detect" && verdict.Flagged && verdict.Error is null && (strongest is null || verdict.Action.Severity() > strongest.Action.Severity()))
            {
                strongest = verdict;
            }
        }

        if (strongest is null)
        {
            return ValueTask.FromResult(StageOutcome.Continue);
        }

        var message = $"input flagged by {strongest.Defense} (score {strongest.Score:G4}, threshold {strongest.Threshold:G4})";
        return ValueTask.FromResult(Enforcement.Decide(context, strongest.Action.ToOutcome(), $"detected_{strongest.Defense}", message));
    }
}
