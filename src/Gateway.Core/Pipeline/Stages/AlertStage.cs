using System.Globalization;
using NeuralSec.Gateway.Alerts;
using NeuralSec.Gateway.Decisions;
using NeuralSec.Gateway.Metrics;
using NeuralSec.Gateway.Policy;

namespace NeuralSec.Gateway.Pipeline.Stages;

/// <summary>
/// Raises a SOC alert for every request whose decision is not a plain allow — blocked, throttled, degraded,
/// alert-only, unauthenticated, or any of these decided in monitor mode without being applied. It runs after a
/// rejection too. Plain malformed requests (INVALID_ARGUMENT) are counted in metrics, not alerted: they are
/// client bugs far more often than attacks, and an alert per typo would drown the findings.
/// </summary>
internal sealed class AlertStage(IAlertPublisher publisher, IPolicyProvider policies, TimeProvider time) : IPipelineStage
{
    public PipelineStageId Id => PipelineStageId.Alert;

    public bool RunsAfterRejection => true;

    public ValueTask<StageOutcome> ExecuteAsync(InferenceContext context, CancellationToken cancellationToken)
    {
        var decision = context.Decision;
        if (decision.Outcome == DecisionOutcome.Allow)
        {
            return ValueTask.FromResult(StageOutcome.Continue);
        }

        var action = decision.Outcome.ToString().ToLowerInvariant();
        GatewayMetrics.Decisions.WithLabels(MetricLabels.Model(context.ModelName, policies.Current), action, decision.Enforced ? "enforce" : "monitor", MetricLabels.Reason(decision.Reason)).Inc();
        var findings = decision.Verdicts
            .Select(v => new DetectorFinding(v.Defense, v.Score ?? 0, v.Threshold, v.Flagged, v.AtlasTechniqueId) { Related = v.Related, Measures = v.Measures })
            .ToArray();
        var techniques = decision.Verdicts.Where(v => v.Flagged && v.AtlasTechniqueId is not null).Select(v => v.AtlasTechniqueId!).Distinct().ToArray();
        publisher.Publish(new AlertEvent
        {
            Id = RequestIds.New(),
            Time = time.GetUtcNow(),
            Kind = decision.Verdicts.Any(v => v.Error is not null) ? AlertKind.DefenseError : AlertKind.RequestDecision,
            Title = Title(decision),
            Message = Message(context, action),
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

    /// <summary>The analyst's sentence: for flagged inputs, which defenses fired and by how much (what the caller is
    /// never told); otherwise what the caller was told.</summary>
    private static string Message(InferenceContext context, string action)
    {
        var decision = context.Decision;
        var flagged = decision.Verdicts.Where(v => v.Flagged && v.Error is null && v.Stage == PipelineStageId.Detect).ToArray();
        var stream = decision.Verdicts.Where(v => v.Flagged && v.Error is null && v.Stage == PipelineStageId.Observe).ToArray();
        var outcome = decision.Enforced ? (context.Rejection is null ? "answered with" : "refused:") : "would have been";
        var parts = new List<string>();
        if (flagged.Length > 0)
        {
            parts.Add("input flagged by " + string.Join("; ", flagged.Select(v => string.Create(CultureInfo.InvariantCulture, $"{v.Defense} score {v.Score:G4} vs threshold {v.Threshold:G4}"))));
        }

        if (decision.SkippedDetectors.Count > 0)
        {
            parts.Add("not run, a cheaper detector having blocked it (detectOrder: cheapFirst): " + string.Join(", ", decision.SkippedDetectors));
        }

        if (stream.Length > 0)
        {
            parts.Add("client's query stream flagged by " + string.Join("; ", stream.Select(StreamDetail)));
        }

        if (parts.Count > 0)
        {
            return $"request {outcome} {action}: {string.Join("; ", parts)}";
        }

        return context.Rejection?.Message ?? $"request {outcome} {action}: {decision.Reason}";
    }

    private static string StreamDetail(Verdict verdict)
    {
        var detail = string.Create(CultureInfo.InvariantCulture, $"{verdict.Defense} score {verdict.Score:G4} vs threshold {verdict.Threshold:G4}");
        if (verdict.Related.Count > 0)
        {
            // Client ids are bounded at the door (256 characters) and the evidence count by the policy.
            detail += " (near-duplicate of " + string.Join(", ", verdict.Related.Select(r => $"request {r.RequestId} from client '{r.ClientId}'")) + ")";
        }

        return detail;
    }

    private static string Title(DecisionRecord decision) => (decision.Outcome, decision.Reason) switch
    {
        (DecisionOutcome.Block, ReasonCodes.Unauthenticated or ReasonCodes.InvalidApiKey) => "Unauthenticated inference request refused",
        (DecisionOutcome.Block, ReasonCodes.NoPolicy) => "Inference request for an ungoverned model refused",
        (DecisionOutcome.Block, ReasonCodes.DefenseError) => "Defense failure: request refused (fail-closed)",
        (DecisionOutcome.Block, ReasonCodes.StateUnavailable) => "Shared state unavailable: request refused (fail-closed)",
        (DecisionOutcome.Block, ReasonCodes.SuspiciousActivity) => "Suspicious query stream: client blocked",
        (DecisionOutcome.Throttle, ReasonCodes.SuspiciousActivity) => "Suspicious query stream: client throttled",
        (DecisionOutcome.Degrade, ReasonCodes.SuspiciousActivity) => "Suspicious query stream: answers degraded to label-only",
        (DecisionOutcome.Alert, ReasonCodes.SuspiciousActivity) => "Suspicious query stream",
        (DecisionOutcome.Alert, ReasonCodes.StateUnavailable) => "Shared state unavailable: request answered unchecked (fail-open)",
        (DecisionOutcome.Block, _) => "Adversarial input blocked",
        (DecisionOutcome.Throttle, ReasonCodes.AuthThrottled) => "Failed authentication attempts throttled",
        (DecisionOutcome.Throttle, _) => "Client throttled",
        (DecisionOutcome.Degrade, _) => "Output degraded to label-only",
        (DecisionOutcome.Repair, _) => "Suspicious input answered from its purified view",
        _ => "Suspicious inference request",
    };
}
