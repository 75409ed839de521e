using System.Text;

namespace NeuralSec.Gateway.Protocol;

/// <summary>
/// Strings a caller chose (model, version and tensor names, ids), made safe to put back in front of anyone: quoted,
/// cut to a bound, and printable ASCII only. A caller-chosen string echoed whole into <c>grpc-message</c> can grow a
/// header past what HTTP/2 clients accept (one 11,000 × 'é' model name became a 66 KB header and dropped the whole
/// connection, other callers' calls included) and lands unbounded in logs and alerts.
/// </summary>
internal static class CallerText
{
    /// <summary>Characters of a caller's string shown in messages and logs.</summary>
    public const int MaxShown = 64;

    /// <summary>Longest name (model, version, tensor) or caller request id the front door accepts at all; no model
    /// server names anything longer, and everything after the door (logs, alerts, metrics) can rely on it.</summary>
    public const int MaxIdentifierLength = 256;

    /// <summary><paramref name="value"/> in single quotes, cut to <see cref="MaxShown"/> characters, with control and
    /// non-ASCII characters written as <c>\uXXXX</c>.</summary>
    public static string Quote(string? value) => "'" + Escape(value, MaxShown) + "'";

    /// <summary>Printable ASCII of at most <paramref name="max"/> source characters (escapes make it longer, by a
    /// bounded factor); the length of what was cut is said.</summary>
    public static string Escape(string? value, int max = MaxShown)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var shown = Math.Min(value.Length, max);
        var clean = true;
        for (var i = 0; i < shown && clean; i++)
        {
            clean = value[i] is >= ' ' and <= '~';
        }

        if (clean && shown == value.Length)
        {
            return value;
        }

        var builder = new StringBuilder(shown + 16);
        for (var i = 0; i < shown; i++)
        {
            var c = value[i];
            if (c is >= ' ' and <= '~')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        if (shown < value.Length)
        {
            builder.Append("...(").Append(value.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(" chars)");
        }

        return builder.ToString();
    }

    /// <summary>A message bound for a caller, made wire-safe as a last line of defence: printable ASCII, at most
    /// <paramref name="max"/> characters. Messages are built from <see cref="Quote"/>d parts already; this only
    /// guarantees the bound whatever a message's author forgot.</summary>
    public static string ForWire(string message, int max = 512) => Escape(message, max);
}
