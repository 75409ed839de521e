using System.Net;

namespace NeuralSec.Gateway.Options;

/// <summary>The address forms a listener accepts: an IPv4 or IPv6 literal, <c>localhost</c> (IPv4 loopback) or
/// <c>*</c> (every IPv4 interface).</summary>
internal static class ListenAddress
{
    public static bool TryParse(string? text, out IPAddress address)
    {
        switch (text)
        {
            case "localhost":
                address = IPAddress.Loopback;
                return true;
            case "*":
                address = IPAddress.Any;
                return true;
            default:
                if (text is not null && IPAddress.TryParse(text, out var parsed))
                {
                    address = parsed;
                    return true;
                }

                address = IPAddress.None;
                return false;
        }
    }

    /// <summary>For validated options.</summary>
    public static IPAddress Parse(string text) =>
        TryParse(text, out var address) ? address : throw new FormatException($"'{text}' is not a listen address");
}
