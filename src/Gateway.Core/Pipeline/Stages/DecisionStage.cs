using System.Globalization;
using NeuralSec.Gateway.Decisions;
using NeuralSec.Gateway.Defenses;
using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.Pipeline.Stages;

/// <summary>
/// Turns the detectors' verdicts into the request's decision under its policy: the strongest flagged action
/// wins (block &gt; throttle &gt; degrade &gt; repair &gt; alert); monitor mode records it without applying it. A refused caller
/// reads the coarse <see cref="ReasonCodes.SuspiciousInput"/> and a fixed message — which detector fired and by how
/// much stays in the alert — unless the policy's <c>refusals.explain</c> asks for the detail. An answered request
/// that a detector repairs is forwarded as its purified view (<c>spec.repair</c>, after preprocessing); the caller is
/// not told, so repair is no oracle either.
/// </summary>
internal sealed class DecisionStage(DefenseRegistry registry, DefenseRandomness randomness, ILogger<DecisionStage> logger) : IPipelineStage
{
    /// <summary>What every refused caller reads when the policy does not explain refusals.</summary>
    public const string CoarseMessage = "the request was refused by the model's input checks";

    public PipelineStageId Id => PipelineStageId.Decide;

    public ValueTask<StageOutcome> ExecuteAsync(InferenceContext context, CancellationToken cancellationToken)
    {
        var decision = context.Decision;
        Verdict? strongest = null;
        var repair = false;
        foreach (var verdict in decision.Verdicts)
        {
            if (verdict.Stage == PipelineStageId.Detect && verdict.Flagged && verdict.Error is null)
            {
                repair |= verdict.Action == DefenseAction.Repair;
                if (strongest is null || verdict.Action.Severity() > strongest.Action.Severity())
                {
                    strongest = verdict;
                }
            }
        }

        if (strongest is null)
        {
            return ValueTask.FromResult(StageOutcome.Continue);
        }

        var message = context.Policy?.Refusals.Explain == true
            ? string.Create(CultureInfo.InvariantCulture, $"input flagged by {strongest.Defense} (score {strongest.Score:G4}, threshold {strongest.Threshold:G4})")
            : CoarseMessage;
        var outcome = Enforcement.Decide(context, strongest.Action.ToOutcome(), ReasonCodes.SuspiciousInput, message);
        return ValueTask.FromResult(repair && !outcome.IsRejected && decision.Enforced ? Repair(context) : outcome);
    }

    /// <summary>Forwards the purified view. A transform that throws falls under the policy's onError rule, like a
    /// preprocessing failure.</summary>
    private StageOutcome Repair(InferenceContext context)
    {
        var current = "build";
        try
        {
            var defenses = registry.For(context.Policy!);
            if (ImageTransforms.Apply(context, defenses, defenses.Repairers, randomness.Next(), ref current) is { } rejection)
            {
                return rejection;
            }

            context.Decision.Repaired = true;
            return StageOutcome.Continue;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Logging.Log.DefenseFailed(logger, ex, PipelineStageNames.Of(Id), current);
            return Enforcement.DefenseFailed(context, Id, current, ex);
        }
    }
}
