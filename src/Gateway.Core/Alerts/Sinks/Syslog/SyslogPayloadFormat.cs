namespace NeuralSec.Gateway.Alerts.Sinks.Syslog;

/// <summary>The message format a syslog sink carries.</summary>
internal enum SyslogPayloadFormat
{
    /// <summary>ArcSight Common Event Format, one line.</summary>
    Cef,

    /// <summary>OCSF Detection Finding JSON, one line.</summary>
    Json,
}
