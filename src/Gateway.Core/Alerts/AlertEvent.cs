namespace NeuralSec.Gateway.Alerts;

/// <summary>
/// One finding for the SOC, independent of its wire format (OCSF Detection Finding, CEF, JSON lines).
/// Produced by the alert stage for every non-allow decision and by the policy store for every refused reload.
/// </summary>
internal sealed record AlertEvent
{
    /// <summary>Unique id: the OCSF <c>finding_info.uid</c> and the webhook idempotency key.</summary>
    public required string Id { get; init; }

    public required DateTimeOffset Time { get; init; }

    public required AlertKind Kind { get; init; }

    /// <summary>Short title, e.g. "Adversarial input blocked".</summary>
    public required string Title { get; init; }

    /// <summary>One sentence for humans.</summary>
    public required string Message { get; init; }

    public AlertSeverity Severity { get; init; } = AlertSeverity.Medium;

    /// <summary>The action taken: <c>block</c>, <c>throttle</c>, <c>degrade</c>, <c>alert</c>, <c>refuse-reload</c>.</summary>
    public string Action { get; init; } = "alert";

    /// <summary>False when the policy is in monitor (shadow) mode: the action was decided but not applied.</summary>
    public bool Enforced { get; init; } = true;

    public string? RequestId { get; init; }

    public string? ClientId { get; init; }

    /// <summary>Caller's network address, when known.</summary>
    public string? SourceAddress { get; init; }

    public string? Model { get; init; }

    public string? ModelVersion { get; init; }

    public string? PolicyName { get; init; }

    public string? PolicyRevision { get; init; }

    /// <summary>MITRE ATLAS techniques the finding indicates (e.g. AML.T0043); see <see cref="AtlasTechniques"/>.</summary>
    public IReadOnlyList<string> AtlasTechniqueIds { get; init; } = [];

    /// <summary>Per detector: score vs threshold.</summary>
    public IReadOnlyList<DetectorFinding> Findings { get; init; } = [];

    /// <summary>How many occurrences this event stands for (aggregation of floods); 1 when not aggregated.</summary>
    public int Count { get; init; } = 1;

    /// <summary>First and last occurrence when aggregated; both equal <see cref="Time"/> otherwise.</summary>
    public DateTimeOffset? FirstSeen { get; init; }

    public DateTimeOffset? LastSeen { get; init; }

    /// <summary>The key floods are aggregated by: client + detector (or reason).</summary>
    public string AggregationKey => $"{ClientId}|{Model}|{string.Join(',', Findings.Select(f => f.Detector))}|{Action}|{Kind}";
}
