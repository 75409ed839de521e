namespace NeuralSec.Gateway.Alerts;

/// <summary>The message format a syslog sink carries.</summary>
internal enum AlertPayloadFormat
{
    /// <summary>ArcSight Common Event Format, one line.</summary>
    Cef,

    /// <summary>OCSF Detection Finding JSON, one line.</summary>
    Json,
}
