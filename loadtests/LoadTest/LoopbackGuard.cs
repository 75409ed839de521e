using System.Net;

namespace NeuralSec.LoadTest;

/// <summary>
/// This tool only ever loads the machine it runs on. A typo in an address must not turn it into a traffic
/// generator against someone else's server, so anything that is not plainly loopback is refused, DNS names
/// included (a name could resolve anywhere).
/// </summary>
internal static class LoopbackGuard
{
    public static bool TryParse(string address, out Uri? uri, out string? error)
    {
        uri = null;
        if (!Uri.TryCreate(address, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
        {
            error = $"'{address}' is not an http:// or https:// address";
            return false;
        }

        if (!IsLoopback(parsed.Host))
        {
            error = $"refusing non-loopback target '{address}': load is only sent to 127.0.0.0/8, ::1 or localhost";
            return false;
        }

        uri = parsed;
        error = null;
        return true;
    }

    public static bool IsLoopback(string host)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // Uri keeps the brackets of an IPv6 literal in Host.
        var literal = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        return IPAddress.TryParse(literal, out var ip) && IPAddress.IsLoopback(ip);
    }
}
