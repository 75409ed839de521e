using System.Collections;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;

namespace NeuralSec.Gateway.Services;

/// <summary>
/// The caller's text headers for the pipeline (API key, trusted client header), read from the HTTP request itself
/// rather than from <c>ServerCallContext.RequestHeaders</c>: grpc-dotnet builds that collection by base64-decoding
/// every <c>-bin</c> header, and throws — the call ends UNKNOWN — on a value that is not base64, including the
/// comma-joined value of a binary key a caller lawfully sent twice. No stage reads binary metadata, so those keys
/// are hidden undecoded, as are HTTP/2 pseudo-headers. A repeated text key reads as its values comma-joined, as on REST.
/// <para>
/// A view, not a copy: the request path asks for one or two names, so a dictionary of every header per request
/// would be built to be thrown away. The view lives as long as the request; nothing keeps it past the answer.
/// </para>
/// </summary>
internal sealed class CallerHeaders(IHeaderDictionary headers) : IReadOnlyDictionary<string, string>
{
    private const string BinarySuffix = "-bin";

    public int Count
    {
        get
        {
            var count = 0;
            foreach (var key in headers.Keys)
            {
                count += IsHidden(key) ? 0 : 1;
            }

            return count;
        }
    }

    public IEnumerable<string> Keys => this.Select(pair => pair.Key);

    public IEnumerable<string> Values => this.Select(pair => pair.Value);

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"no text header '{key}'");

    public static CallerHeaders Of(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return new CallerHeaders(headers);
    }

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        if (!IsHidden(key) && headers.TryGetValue(key, out var values))
        {
            value = values.ToString();
            return true;
        }

        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        foreach (var (key, values) in headers)
        {
            if (!IsHidden(key))
            {
                yield return new KeyValuePair<string, string>(key, values.ToString());
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static bool IsHidden(string key) =>
        key.StartsWith(':') || key.EndsWith(BinarySuffix, StringComparison.OrdinalIgnoreCase);
}
