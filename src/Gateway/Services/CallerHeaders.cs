using Microsoft.AspNetCore.Http;

namespace NeuralSec.Gateway.Services;

/// <summary>
/// The caller's text headers for the pipeline (API key, trusted client header), read from the HTTP request itself
/// rather than from <c>ServerCallContext.RequestHeaders</c>: grpc-dotnet builds that collection by base64-decoding
/// every <c>-bin</c> header, and throws — the call ends UNKNOWN — on a value that is not base64, including the
/// comma-joined value of a binary key a caller lawfully sent twice. No stage reads binary metadata, so those keys
/// are skipped undecoded, as are HTTP/2 pseudo-headers. A repeated text key keeps its values comma-joined, as on REST.
/// </summary>
internal static class CallerHeaders
{
    private const string BinarySuffix = "-bin";

    public static Dictionary<string, string> Text(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var text = new Dictionary<string, string>(headers.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, values) in headers)
        {
            if (key.StartsWith(':') || key.EndsWith(BinarySuffix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            text[key] = values.ToString();
        }

        return text;
    }
}
