using System.Globalization;
using System.Text;
using NeuralSec.Gateway.Alerts.Formats;

namespace NeuralSec.Gateway.Alerts.Sinks.Syslog;

/// <summary>
/// RFC 5424 framing: <c>&lt;PRI&gt;1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] MSG</c>.
/// Structured data uses only IANA-registered SD-IDs, so no enterprise number is invented: <c>origin</c> names the
/// software, <c>meta sequenceId</c> numbers the messages so a receiver can see UDP loss. MSG is written without the
/// UTF-8 BOM (RFC 5424 allows MSG-ANY; many collectors mishandle the BOM).
/// </summary>
internal static class SyslogMessage
{
    public static byte[] Build(
        AlertEvent alert, int facility, string hostname, string appName, int processId, long sequenceId,
        AlertProduct product, string payload, int maxBytes, out bool truncated)
    {
        var text = new StringBuilder(payload.Length + 160);
        text.Append('<').Append(((facility * 8) + SeverityOf(alert.Severity)).ToString(CultureInfo.InvariantCulture)).Append(">1 ")
            .Append(alert.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)).Append(' ')
            .Append(hostname).Append(' ')
            .Append(appName).Append(' ')
            .Append(processId.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append(OcsfVocabulary.KindName(alert.Kind)).Append(' ')
            .Append("[origin software=\"").Append(EscapeParam(product.Name))
            .Append("\" swVersion=\"").Append(EscapeParam(product.Version)).Append("\"]")
            .Append("[meta sequenceId=\"").Append(sequenceId.ToString(CultureInfo.InvariantCulture)).Append("\"] ")
            .Append(payload);
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        truncated = bytes.Length > maxBytes;
        return truncated ? Truncate(bytes, maxBytes) : bytes;
    }

    /// <summary>Syslog severity from the alert's: Critical→2 crit, High→3 err, Medium→4 warning, Low→5 notice,
    /// Informational→6 info.</summary>
    public static int SeverityOf(AlertSeverity severity) => severity switch
    {
        AlertSeverity.Critical => 2,
        AlertSeverity.High => 3,
        AlertSeverity.Medium => 4,
        AlertSeverity.Low => 5,
        _ => 6,
    };

    /// <summary>PARAM-VALUE escaping (RFC 5424 §6.3.3): '"', '\' and ']' take a backslash.</summary>
    public static string EscapeParam(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("]", "\\]", StringComparison.Ordinal);

    // Cut on a UTF-8 character boundary so the receiver does not see a broken last character.
    private static byte[] Truncate(byte[] bytes, int maxBytes)
    {
        var end = maxBytes;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80)
        {
            end--;
        }

        return bytes[..end];
    }
}
