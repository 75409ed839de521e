using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using NeuralSec.Processes;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.LoadTest;

/// <summary>
/// Cross-checks the tool's own figures with h2load (nghttp2), a load generator that shares no code with it: the same
/// request, as the raw bytes of one gRPC message, POSTed to ModelInfer at each level's concurrency on every path.
/// </summary>
internal static class H2LoadRunner
{
    public const string ModelInferPath = "/inference.GRPCInferenceService/ModelInfer";

    /// <summary>One h2load run past this is killed and reported as such: a guard, the request count bounds it first.</summary>
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(2);

    /// <summary>The body of a unary gRPC call: the length-prefixed message (flag 0, uncompressed; 4-byte big-endian
    /// length; the serialized message).</summary>
    public static byte[] GrpcBody(IMessage request)
    {
        var message = request.ToByteArray();
        var body = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(1, 4), (uint)message.Length);
        message.CopyTo(body, 5);
        return body;
    }

    /// <summary>Checks the body on each path, then runs h2load for every level on every path whose check passed.</summary>
    public static async Task<H2LoadCrossCheck> RunAsync(
        string binary, IReadOnlyList<Target> targets, IReadOnlyList<LoadLevel> levels, int maxRequests, ModelInferRequest request, TextWriter progress)
    {
        var body = GrpcBody(request);
        var file = Path.Combine(Path.GetTempPath(), $"neuralsec-h2load-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(file, body);
        try
        {
            var (_, versionText) = await RunProcessAsync(binary, ["--version"]);
            var checks = new Dictionary<string, string?>();
            foreach (var target in targets)
            {
                checks[target.Name] = await CheckBodyAsync(target.Address, body);
            }

            var runs = new List<H2LoadRun>();
            foreach (var level in levels)
            {
                var requests = Math.Min(level.Requests, maxRequests);
                foreach (var target in targets)
                {
                    if (checks[target.Name] is { } failed)
                    {
                        runs.Add(new H2LoadRun(level.Label, target, 1, level.Concurrency, requests, null, $"not run: the body came back {failed}"));
                        continue;
                    }

                    await progress.WriteLineAsync($"h2load {level.Label} {target.Name,-15}: -n {requests} -c 1 -m {level.Concurrency}");
                    runs.Add(await RunOnceAsync(binary, file, level, target, requests));
                }
            }

            return new H2LoadCrossCheck(binary, versionText.Trim(), checks, runs);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Sends <paramref name="body"/> once as h2load will (h2c, POST, the same headers) and reads the answer's
    /// grpc-status, which h2load cannot; null for OK, otherwise what came back.</summary>
    public static async Task<string?> CheckBodyAsync(Uri address, byte[] body)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(address, ModelInferPath))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        message.Headers.TryAddWithoutValidation("te", "trailers");
        try
        {
            using var response = await client.SendAsync(message);
            await response.Content.ReadAsByteArrayAsync();
            var status = Header(response, "grpc-status");
            return (response.StatusCode, status) switch
            {
                (HttpStatusCode.OK, "0") => null,
                (HttpStatusCode.OK, null) => "HTTP 200 without a grpc-status",
                (HttpStatusCode.OK, _) => $"grpc-status {status} ({Header(response, "grpc-message")})",
                _ => $"HTTP {(int)response.StatusCode}",
            };
        }
        catch (HttpRequestException e)
        {
            return $"no answer ({e.Message})";
        }
    }

    private static async Task<H2LoadRun> RunOnceAsync(string binary, string file, LoadLevel level, Target target, int requests)
    {
        var (code, output) = await RunProcessAsync(binary, [
            "-n", requests.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c", "1",
            "-m", level.Concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-d", file,
            "-H", "content-type: application/grpc",
            "-H", "te: trailers",
            new Uri(target.Address, ModelInferPath).ToString()]);
        var result = H2LoadResult.Parse(output, out var error);
        return result is not null && code == 0
            ? new H2LoadRun(level.Label, target, 1, level.Concurrency, requests, result, null)
            : new H2LoadRun(level.Label, target, 1, level.Concurrency, requests, result, $"h2load exit {code}{(error is null ? string.Empty : $", {error}")}: {Tail(output)}");
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.TrailingHeaders.TryGetValues(name, out var values) || response.Headers.TryGetValues(name, out values) ? values.FirstOrDefault() : null;

    private static string Tail(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join(" / ", lines.TakeLast(3));
    }

    private static async Task<(int Code, string Output)> RunProcessAsync(string binary, IEnumerable<string> arguments)
    {
        var (code, output) = await ChildProcess.RunToEndAsync(binary, arguments, RunLimit);
        return code is { } exited ? (exited, output) : (-1, $"killed after {RunLimit.TotalSeconds:F0} s{Environment.NewLine}{output}");
    }

}
