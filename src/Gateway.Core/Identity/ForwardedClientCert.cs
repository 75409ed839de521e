namespace NeuralSec.Gateway.Identity;

/// <summary>
/// Reads a mesh identity header. Envoy's <c>x-forwarded-client-cert</c> is <c>key=value</c> pairs separated by
/// <c>;</c> (elements for several hops by <c>,</c>; the last is the proxy next to us): the <c>URI</c> (SPIFFE id)
/// names the client, else the CN of <c>Subject</c>. A header without <c>=</c> is taken as a plain client id.
/// </summary>
internal static class ForwardedClientCert
{
    public static string? ClientId(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        if (!header.Contains('=', StringComparison.Ordinal))
        {
            return header.Trim();
        }

        var element = SplitOutsideQuotes(header, ',').Last();
        string? uri = null, subject = null;
        foreach (var pair in SplitOutsideQuotes(element, ';'))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            var key = pair[..eq].Trim();
            var value = pair[(eq + 1)..].Trim().Trim('"');
            if (key.Equals("URI", StringComparison.OrdinalIgnoreCase))
            {
                uri = value;
            }
            else if (key.Equals("Subject", StringComparison.OrdinalIgnoreCase))
            {
                subject = value;
            }
        }

        if (!string.IsNullOrEmpty(uri))
        {
            return uri;
        }

        var cn = subject?.Split(',').Select(p => p.Trim()).FirstOrDefault(p => p.StartsWith("CN=", StringComparison.OrdinalIgnoreCase));
        return cn?[3..];
    }

    /// <summary>Splits outside double quotes: a quoted Subject holds commas and may hold ';'.</summary>
    private static IEnumerable<string> SplitOutsideQuotes(string element, char separator)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i < element.Length; i++)
        {
            if (element[i] == '"')
            {
                quoted = !quoted;
            }
            else if (element[i] == separator && !quoted)
            {
                yield return element[start..i];
                start = i + 1;
            }
        }

        yield return element[start..];
    }
}
