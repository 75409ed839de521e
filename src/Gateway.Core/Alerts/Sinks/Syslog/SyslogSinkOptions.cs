namespace NeuralSec.Gateway.Alerts.Sinks.Syslog;

/// <summary>A <c>Syslog</c> sink: RFC 5424 over UDP or TCP, CEF or OCSF JSON as the message.</summary>
internal sealed class SyslogSinkOptions : AlertSinkOptions
{
    public SyslogProtocol Protocol { get; set; } = SyslogProtocol.Udp;

    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 514;

    public SyslogPayloadFormat Format { get; set; } = SyslogPayloadFormat.Cef;

    /// <summary>Syslog facility (0-23); 13 is "log audit".</summary>
    public int Facility { get; set; } = 13;

    /// <summary>RFC 5424 APP-NAME.</summary>
    public string AppName { get; set; } = "neuralsec";

    /// <summary>RFC 5424 HOSTNAME; defaults to the machine name.</summary>
    public string? Hostname { get; set; }

    /// <summary>Longer messages are cut (UDP datagrams especially); counted as <c>truncated</c>.</summary>
    public int MaxMessageBytes { get; set; } = 8192;

    /// <summary>First reconnect delay of a TCP sink.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Cap of the reconnect delay.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);
}
