using NeuralSec.Gateway.Alerts;
using NeuralSec.Gateway.Decisions;
using NeuralSec.Gateway.Metrics;

namespace NeuralSec.Gateway.Pipeline.Stages;

/// <summary>
/// Raises a SOC alert for every request whose decision is not a plain allow — blocked, throttled, degraded,
/// alert-only, unauthenticated, or any of these decided in monitor mode without being applied. It runs after a
/// rejection too. Plain malformed requests (INVALID_ARGUMENT) are counted in metrics, not alerted: they are
/// client bugs far more often than attacks, and an alert per typo would drown the findings.
/// </summary>
internal sealed class AlertStage(IAlertPublisher publisher, TimeProvider time) : IPipelineStage
{
    public string Name => "alert";

    public bool RunsAfterRejection => true;

    public ValueTask<StageOutcome> ExecuteAsync(InferenceContext context, CancellationToken cancellationToken)
    {
        var decision = context.Decision;
        if (decision.Outcome == DecisionOutcome.Allow)
        {
            return ValueTask.FromResult(StageOutcome.Continue);
        }

        var action = decision.Outcome.ToString().ToLowerInvariant();
        GatewayMetrics.Decisions.WithLabels(context.ModelName, action, decision.Enforced ? "enforce" : "monitor", decision.Reason ?? "none").Inc();
        var findings = decision.Verdicts
            .Select(v => new DetectorFinding(v.Defense, v.Score ?? 0, v.Threshold, v.Flagged, v.AtlasTechniqueId))
            .ToArray();
        var techniques = decision.Verdicts.Where(v => v.Flagged && v.AtlasTechniqueId is not null).Select(v => v.AtlasTechniqueId!).Distinct().ToArray();
        publisher.Publish(new AlertEvent
        {
            Id = RequestIds.New(),
            Time = time.GetUtcNow(),
            Kind = decision.Verdicts.Any(v => v.Error is not null) ? AlertKind.DefenseError : AlertKind.RequestDecision,
            Title = Title(decision),
            Message = context.Rejection?.Message ?? $"request {(decision.Enforced ? "answered with" : "would have been")} {action}: {decision.Reason}",
            Severity = decision.Outcome switch
            {
                DecisionOutcome.Block => AlertSeverity.High,
                DecisionOutcome.Throttle or DecisionOutcome.Degrade => AlertSeverity.Medium,
                _ => AlertSeverity.Low,
            },
            Action = action,
            Enforced = decision.Enforced,
            RequestId = context.RequestId,
            ClientId = context.ClientId,
            SourceAddress = context.RemoteAddress,
            Model = context.ModelName,
            ModelVersion = context.ServedVersion ?? context.ModelVersion,
            PolicyName = context.Policy?.Name,
            PolicyRevision = context.Policy?.Revision,
            AtlasTechniqueIds = techniques,
            Findings = findings,
        });
        return ValueTask.FromResult(StageOutcome.Continue);
    }

    private static string Title(DecisionRecord decision) => (decision.Outcome, decision.Reason) switch
    {
        (DecisionOutcome.Block, "unauthenticated" or "invalid_api_key") => "Unauthenticated inference request refused",
        (DecisionOutcome.Block, "no_policy") => "Inference request for an ungoverned model refused",
        (DecisionOutcome.Block, "defense_error") => "Defense failure: request refused (fail-closed)",
        (DecisionOutcome.Block, _) => "Adversarial input blocked",
        (DecisionOutcome.Throttle, _) => "Client throttled",
        (DecisionOutcome.Degrade, _) => "Output degraded to label-only",
        _ => "Suspicious inference request",
    };
}
