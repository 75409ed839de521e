namespace NeuralSec.Gateway.Alerts.Formats;

/// <summary>How NeuralSec's notions map onto OCSF enumerations (Detection Finding, security_control profile).
/// Kept apart from the writer so the mapping reads as one table; docs/alerts.md repeats it for SOC engineers.</summary>
internal static class OcsfVocabulary
{
    public static string SeverityName(AlertSeverity severity) => severity switch
    {
        AlertSeverity.Informational => "Informational",
        AlertSeverity.Low => "Low",
        AlertSeverity.Medium => "Medium",
        AlertSeverity.High => "High",
        AlertSeverity.Critical => "Critical",
        _ => "Unknown",
    };

    /// <summary>action_id (1 Allowed, 2 Denied, 4 Modified, 99 Other) and disposition_id for the action NeuralSec took. A monitor-mode
    /// decision was not applied, so it is Allowed/Detected whatever it would have done.</summary>
    public static (int ActionId, string Action, int DispositionId, string Disposition) ActionOf(AlertEvent alert)
    {
        if (!alert.Enforced)
        {
            return (1, "Allowed", 15, "Detected");
        }

        return alert.Action switch
        {
            "block" => (2, "Denied", 2, "Blocked"),
            "throttle" => (2, "Denied", 25, "Rejected"),
            "refuse-reload" => (2, "Denied", 25, "Rejected"),
            "degrade" => (1, "Allowed", 7, "Custom Action"),
            "repair" => (4, "Modified", 11, "Corrected"),
            "alert" => (1, "Allowed", 19, "Alert"),
            _ => (99, alert.Action, 99, alert.Action),
        };
    }

    /// <summary>confidence_id from how many detectors agree: two or more flagged is High, one Medium, none (a score that
    /// informed the decision without crossing its threshold) Low. Rule-only alerts (rate limits, reloads) carry none.</summary>
    public static (int Id, string Name)? ConfidenceOf(AlertEvent alert)
    {
        if (alert.Findings.Count == 0)
        {
            return null;
        }

        return alert.Findings.Count(f => f.Flagged) switch
        {
            0 => (1, "Low"),
            1 => (2, "Medium"),
            _ => (3, "High"),
        };
    }

    /// <summary>analytic: detectors compare a score to a threshold (3 Statistical); without detectors the finding comes
    /// from a policy rule (1 Rule).</summary>
    public static (int TypeId, string Type, string Name) AnalyticOf(AlertEvent alert) => alert.Findings.Count > 0
        ? (3, "Statistical", string.Join(',', alert.Findings.Select(f => f.Detector)))
        : (1, "Rule", alert.Kind == AlertKind.PolicyReloadFailed ? "policy-reload" : alert.Action);

    public static string FindingType(AlertKind kind) => kind switch
    {
        AlertKind.RequestDecision => "AI Firewall Decision",
        AlertKind.PolicyReloadFailed => "Policy Reload Failure",
        AlertKind.DefenseError => "Defense Error",
        AlertKind.StateStoreUnavailable => "Shared State Unavailable",
        _ => "Other",
    };

    /// <summary>Stable lower-case names for the kinds (JSON, CEF signature ids, syslog MSGID).</summary>
    public static string KindName(AlertKind kind) => kind switch
    {
        AlertKind.RequestDecision => "decision",
        AlertKind.PolicyReloadFailed => "policy-reload-failed",
        AlertKind.DefenseError => "defense-error",
        AlertKind.StateStoreUnavailable => "state-store-unavailable",
        _ => "other",
    };
}
