namespace NeuralSec.Gateway.Alerts;

/// <summary>Severity, numbered as OCSF's <c>severity_id</c>.</summary>
internal enum AlertSeverity
{
    Informational = 1,
    Low = 2,
    Medium = 3,
    High = 4,
    Critical = 5,
}
