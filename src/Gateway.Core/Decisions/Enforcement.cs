using NeuralSec.Gateway.Metrics;
using NeuralSec.Gateway.Pipeline;
using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.Decisions;

/// <summary>
/// Applies a defense's action under the request's policy: records the verdict, escalates the decision and, in
/// enforce mode, turns block and throttle into the caller's refusal. Monitor mode records and never refuses.
/// </summary>
internal static class Enforcement
{
    public static StageOutcome Apply(InferenceContext context, Verdict verdict, string reason, string message, TimeSpan? retryAfter = null)
    {
        context.Decision.Add(verdict);
        return verdict.Flagged ? Decide(context, verdict.Action.ToOutcome(), reason, message, retryAfter) : StageOutcome.Continue;
    }

    /// <summary>Escalates the decision and, in enforce mode, refuses for block and throttle.</summary>
    public static StageOutcome Decide(InferenceContext context, DecisionOutcome outcome, string reason, string message, TimeSpan? retryAfter = null)
    {
        context.Decision.Escalate(outcome, reason);
        if (!context.Decision.Enforced)
        {
            return StageOutcome.Continue;
        }

        return outcome switch
        {
            DecisionOutcome.Block => new PipelineRejection(RejectionKind.PermissionDenied, reason, message),
            DecisionOutcome.Throttle => new PipelineRejection(RejectionKind.ResourceExhausted, reason, message) { RetryAfter = retryAfter ?? TimeSpan.FromSeconds(1) },
            _ => StageOutcome.Continue,
        };
    }

    /// <summary>A defense threw: fail-closed refuses the request, fail-open lets it through; both are recorded
    /// and alerted. The exception's detail stays in the logs.</summary>
    public static StageOutcome DefenseFailed(InferenceContext context, PipelineStageId stage, string defense, Exception exception)
    {
        var policy = context.Policy;
        GatewayMetrics.DefenseErrors.WithLabels(PipelineStageNames.Of(stage), defense).Inc();
        var failClosed = policy?.OnError != ErrorMode.FailOpen;
        var verdict = new Verdict(stage, defense, Flagged: true, failClosed ? DefenseAction.Block : DefenseAction.Alert)
        {
            Error = exception.GetType().Name,
        };
        return Apply(context, verdict, ReasonCodes.DefenseError, "the request could not be checked and the policy refuses unchecked requests");
    }

    /// <summary>The shared state store could not answer: fail-closed refuses with UNAVAILABLE (retryable: the store
    /// comes back), fail-open goes on without the state; both are recorded and alerted.</summary>
    public static StageOutcome StateUnavailable(InferenceContext context, PipelineStageId stage, string defense, Exception exception)
    {
        var failClosed = context.Policy?.OnError != ErrorMode.FailOpen;
        var verdict = new Verdict(stage, defense, Flagged: true, failClosed ? DefenseAction.Block : DefenseAction.Alert)
        {
            Error = exception.GetType().Name,
        };
        context.Decision.Add(verdict);
        context.Decision.Escalate(failClosed ? DecisionOutcome.Block : DecisionOutcome.Alert, ReasonCodes.StateUnavailable);
        return failClosed && context.Decision.Enforced
            ? new PipelineRejection(RejectionKind.Unavailable, ReasonCodes.StateUnavailable, "the firewall's shared state is unavailable; retry later") { RetryAfter = TimeSpan.FromSeconds(1) }
            : StageOutcome.Continue;
    }
}
