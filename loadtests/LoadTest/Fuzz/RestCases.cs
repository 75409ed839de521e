using System.Net.Http.Headers;

namespace NeuralSec.LoadTest.Fuzz;

/// <summary>
/// Hostile REST requests: <c>POST /v2/models/{name}/infer</c> with mutated JSON (<see cref="JsonMutations"/>), wrong
/// content types, odd headers and chunked bodies; GETs of metadata and readiness for odd model names and versions
/// (percent-encoded control characters, bytes that are not UTF-8, path tricks, very long names); methods the routes
/// do not take; paths that do not exist.
/// </summary>
internal static class RestCases
{
    private static readonly string[] ContentTypes =
        ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-16", "application/json; charset=latin1", "*/*", "a/b/c", "application/jsonx", "APPLICATION/JSON"];

    private static readonly string[] OddPathNames =
        ["%00", "%FF%FE", "%C3%28", "%2e%2e%2f%2e%2e", "..", ".", "%2F", "%20", "%0d%0aX-Injected:%201", "%E2%80%AE", "%F0%9F%99%82", "~", "a%00b"];

    public static FuzzCase Infer(Random random, WellFormed wellFormed)
    {
        var (kind, body) = random.Next(8) == 0 ? ("well-formed", System.Text.Encoding.UTF8.GetBytes(wellFormed.Json)) : JsonMutations.Mutate(random, wellFormed);
        string? contentType = "application/json";
        if (random.Next(8) == 0)
        {
            contentType = random.Next(4) == 0 ? null : ContentTypes[random.Next(ContentTypes.Length)];
            kind += " +content-type";
        }

        var chunked = random.Next(10) == 0;
        var headers = random.Next(5) == 0 ? Headers(random) : [];
        var name = random.Next(6) == 0 ? PathName(random, wellFormed.Model) : wellFormed.Model;
        var version = random.Next(10) == 0 ? $"/versions/{PathName(random, "1")}" : string.Empty;
        kind = $"rest infer [{kind}]{(chunked ? " +chunked" : string.Empty)}{(headers.Count > 0 ? " +headers" : string.Empty)}{(name != wellFormed.Model ? " +name" : string.Empty)}";
        return new FuzzCase(kind, clients =>
        {
            var content = chunked ? (HttpContent)new StreamContent(new MemoryStream(body)) : new ByteArrayContent(body);
            if (contentType is not null)
            {
                content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }

            return SendAsync(clients, new HttpRequestMessage(HttpMethod.Post, $"/v2/models/{name}{version}/infer") { Content = content }, headers, chunked);
        });
    }

    /// <summary>Metadata and readiness of odd names; the server's own routes; methods and paths that do not exist.</summary>
    public static FuzzCase Other(Random random, WellFormed wellFormed)
    {
        var name = PathName(random, wellFormed.Model);
        var headers = random.Next(5) == 0 ? Headers(random) : [];
        var (kind, method, path) = random.Next(10) switch
        {
            0 or 1 or 2 => ("GET metadata", HttpMethod.Get, $"/v2/models/{name}"),
            3 => ("GET metadata version", HttpMethod.Get, $"/v2/models/{name}/versions/{PathName(random, "1")}"),
            4 or 5 => ("GET ready", HttpMethod.Get, $"/v2/models/{name}/ready"),
            6 => ("GET server", HttpMethod.Get, random.Next(3) switch { 0 => "/v2", 1 => "/v2/health/live", _ => "/v2/health/ready" }),
            7 => ("GET infer", HttpMethod.Get, $"/v2/models/{name}/infer"),
            8 => ("odd method", new HttpMethod(random.Next(3) switch { 0 => "PUT", 1 => "DELETE", _ => "PATCH" }), $"/v2/models/{wellFormed.Model}/infer"),
            _ => ("odd path", HttpMethod.Get, $"/v2/{PathName(random, "v3")}/{PathName(random, "x")}"),
        };
        var readiness = kind is "GET ready" || path.EndsWith("/health/ready", StringComparison.Ordinal);
        return new FuzzCase($"rest {kind}", clients => SendAsync(clients, new HttpRequestMessage(method, path), headers, chunked: false, readiness));
    }

    private static async Task<FuzzOutcome> SendAsync(FuzzClients clients, HttpRequestMessage request, List<(string, string)> headers, bool chunked, bool readiness = false)
    {
        using (request)
        {
            foreach (var (key, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(key, value);
            }

            if (chunked)
            {
                request.Headers.TransferEncodingChunked = true;
            }

            try
            {
                using var response = await clients.Rest.SendAsync(request, HttpCompletionOption.ResponseContentRead);
                var reason = response.Headers.TryGetValues(FuzzOutcome.ReasonHeader, out var values) ? values.FirstOrDefault() : null;
                return FuzzOutcome.FromHttp(response.StatusCode, reason, readiness);
            }
            catch (HttpRequestException ex) when (request.Content is not null && ex.InnerException is IOException { InnerException: System.Net.Sockets.SocketException })
            {
                // HTTP/1.1 lets a server answer before it has read the body (an odd name, a refused content type)
                // and close the connection; a client still sending sees the closed socket, not the answer.
                return new FuzzOutcome(FuzzOutcome.Rest, "closed while the body was sent", string.Empty, false);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                return FuzzOutcome.NoAnswer(FuzzOutcome.Rest, ex);
            }
        }
    }

    /// <summary>A model name for a URL path: odd names percent-encoded, or raw escapes that decode to control
    /// characters, bytes that are not UTF-8 and path tricks.</summary>
    private static string PathName(Random random, string real)
    {
        if (random.Next(3) == 0)
        {
            return OddPathNames[random.Next(OddPathNames.Length)];
        }

        var name = HostileValues.Name(random, real);
        return Uri.EscapeDataString(name.Length > 4_000 ? name[..4_000] : name);
    }

    private static List<(string, string)> Headers(Random random) => random.Next(5) switch
    {
        0 => [("X-Api-Key", HostileValues.Latin1(random, random.Next(1, 4000)))],
        1 => [("X-Dup", "a"), ("X-Dup", "b"), ("Authorization", "Bearer " + HostileValues.Ascii(random, random.Next(0, 4000)))],
        2 => [.. Enumerable.Range(0, random.Next(50, 200)).Select(i => ($"X-H{i}", HostileValues.Ascii(random, 20)))],
        3 => [("X-Forwarded-Client-Cert", HostileValues.Latin1(random, random.Next(0, 4000))), ("X-Forwarded-For", HostileValues.Ascii(random, 100))],
        _ => [("Accept", HostileValues.Ascii(random, 100)), ("Accept-Encoding", "gzip, br, " + HostileValues.Ascii(random, 50)), ("Expect", "100-continue")],
    };
}
