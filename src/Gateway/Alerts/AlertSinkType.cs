namespace NeuralSec.Gateway.Alerts;

internal enum AlertSinkType
{
    /// <summary>OCSF JSON, one event per line, to stdout or a file.</summary>
    JsonLines,

    /// <summary>HTTP POST of JSON arrays of OCSF events, retried and spooled to disk while the receiver is down.</summary>
    Webhook,

    /// <summary>RFC 5424 syslog over UDP or TCP (octet counting), CEF or OCSF JSON as the message.</summary>
    Syslog,
}
