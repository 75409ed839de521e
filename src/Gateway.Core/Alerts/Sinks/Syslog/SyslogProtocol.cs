namespace NeuralSec.Gateway.Alerts.Sinks.Syslog;

internal enum SyslogProtocol
{
    /// <summary>RFC 5426: one message per datagram; lossy by nature.</summary>
    Udp,

    /// <summary>RFC 6587 octet counting: <c>LEN SP SYSLOG-MSG</c>, so messages may hold newlines.</summary>
    Tcp,
}
