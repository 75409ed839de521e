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

    /// <summary>Printable ASCII of at most <paramref name="max"/> characters (escapes count at their written
    /// length), then, when something was cut, how long the original was.</summary>
    public static string Escape(string? value, int max = MaxShown)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var clean = value.Length <= max;
        for (var i = 0; i < value.Length && clean; i++)
        {
            clean = value[i] is >= ' ' and <= '~';
        }

        if (clean)
        {
            return value;
        }

        var builder = new StringBuilder(Math.Min(value.Length, max) + 16);
        var taken = 0;
        for (; taken < value.Length; taken++)
        {
            var c = value[taken];
            var printable = c is >= ' ' and <= '~';
            if (builder.Length + (printable ? 1 : 6) > max)
            {
                break;
            }

            if (printable)
            {
                builder.Append(c);
            }
            else
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        if (taken < value.Length)
        {
            builder.Append("...(").Append(value.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(" chars)");
        }

        return builder.ToString();
    }

    /// <summary>A message bound for a caller, made wire-safe as a last line of defence: printable ASCII, at most 512
    /// characters. Messages are built from <see cref="Quote"/>d parts already; this only guarantees the bound whatever
    /// a message's author forgot.</summary>
    public static string ForWire(string message) => Escape(message, 480);
}
