using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Grpc.Core;

namespace NeuralSec.LoadTest.Fuzz;

/// <summary>
/// gRPC requests below the message level. Through a byte marshaller: damaged protobuf bytes as any OIP v2 method (and
/// methods that do not exist). By hand over HTTP/2: headers no gRPC library would send — <c>-bin</c> values that are
/// not base64, a binary key repeated, Latin-1 bytes, huge or many headers, bad <c>grpc-timeout</c> and
/// <c>grpc-encoding</c>, wrong content types — and frames that lie about their length or compression.
/// </summary>
internal static class RawGrpcCases
{
    private const string Service = "inference.GRPCInferenceService";

    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    private static readonly string[] Methods =
        ["ModelInfer", "ModelInfer", "ModelInfer", "ModelMetadata", "ModelReady", "ServerLive", "ServerReady", "ServerMetadata", "NoSuchMethod"];

    public static FuzzCase DamagedMessage(Random random, WellFormed wellFormed)
    {
        var name = Methods[random.Next(Methods.Length)];
        var service = random.Next(20) == 0 ? "inference.NoSuchService" : Service;
        var method = new Method<byte[], byte[]>(MethodType.Unary, service, name, Bytes, Bytes);
        var (kind, payload) = ProtobufMutations.Mutate(random, (random.Next(2) == 0 ? wellFormed.Raw : wellFormed.Typed).ToByteArray());
        var headers = random.Next(4) == 0 ? GrpcCases.Metadata(random) : null;
        return new FuzzCase($"grpc bytes {name} [{kind}]", async clients =>
        {
            try
            {
                await clients.Invoker.AsyncUnaryCall(method, null, new CallOptions(headers, FuzzClients.CallDeadline()), payload);
                return FuzzOutcome.GrpcOk;
            }
            catch (RpcException ex)
            {
                return FuzzOutcome.FromRpc(ex);
            }
        });
    }

    public static FuzzCase HandMade(Random random, WellFormed wellFormed)
    {
        var message = wellFormed.Raw.ToByteArray();
        var (kind, frame, headers) = random.Next(3) == 0 ? OddFrame(random, message) : OddHeaders(random, message);
        var contentType = "application/grpc";
        var te = true;
        if (random.Next(8) == 0)
        {
            string[] types = ["application/grpc+proto", "application/grpc+json", "application/json", "text/plain", "application/grpcx", string.Empty];
            contentType = types[random.Next(types.Length)];
            kind += " +content-type";
        }

        if (random.Next(10) == 0)
        {
            te = false;
            kind += " -te";
        }

        // Past the server's header count limit (100): Kestrel ends the connection (PROTOCOL_ERROR), as HTTP/2 lets it.
        var overLimits = kind.StartsWith("many-headers", StringComparison.Ordinal);
        return new FuzzCase($"grpc http2 [{kind}]", async clients =>
        {
            using var isolated = overLimits ? FuzzClients.Isolated() : null;
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(clients.GrpcAddress, $"/{Service}/ModelInfer"))
            {
                Content = new ByteArrayContent(frame),
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            if (contentType.Length > 0)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }

            if (te)
            {
                request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
            }

            foreach (var (key, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(key, value);
            }

            try
            {
                using var response = await (isolated ?? clients.RawGrpc).SendAsync(request);
                await response.Content.ReadAsByteArrayAsync();
                // A gRPC answer is HTTP 200; any other status says "not a gRPC call" (415 for a content type that is
                // not application/grpc, as the gRPC spec asks) and is judged as HTTP, whatever grpc-status it adds.
                var status = Header(response, "grpc-status");
                return response.StatusCode == HttpStatusCode.OK && status is not null && int.TryParse(status, out var code)
                    ? FuzzOutcome.FromGrpcStatus((StatusCode)code, Header(response, FuzzOutcome.ReasonHeader))
                    : FuzzOutcome.FromHttp(response.StatusCode, Header(response, FuzzOutcome.ReasonHeader)) with { Transport = FuzzOutcome.Grpc, Status = $"HTTP {(int)response.StatusCode}" };
            }
            catch (HttpRequestException ex) when (overLimits && ex.HttpRequestError == HttpRequestError.HttpProtocolError)
            {
                return new FuzzOutcome(FuzzOutcome.Grpc, "connection refused: header limit", string.Empty, false);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                return FuzzOutcome.NoAnswer(FuzzOutcome.Grpc, ex);
            }
        });
    }

    /// <summary>A valid ModelInfer frame with headers a gRPC library would refuse to send.</summary>
    private static (string, byte[], List<(string, string)>) OddHeaders(Random random, byte[] message)
    {
        var headers = new List<(string, string)>();
        string kind;
        switch (random.Next(9))
        {
            case 0:
                string[] notBase64 = ["!!!", "AAEC,AwQF", "AAEC, AwQF", "====", "a", "é", "%%%", " "];
                headers.Add(("x-trace-bin", notBase64[random.Next(notBase64.Length)]));
                kind = "bin-not-base64";
                break;
            case 1:
                headers.Add(("x-trace-bin", "AAEC"));
                headers.Add(("x-trace-bin", "AwQF"));
                kind = "bin-twice";
                break;
            case 2:
                headers.Add(("x-api-key", HostileValues.Latin1(random, random.Next(1, 2000))));
                kind = "latin1-value";
                break;
            case 3:
                headers.Add(("x-big", HostileValues.Ascii(random, random.Next(8_000, 15_000))));
                kind = "big-value";
                break;
            case 4:
                for (var i = random.Next(100, 400); i > 0; i--)
                {
                    headers.Add(($"x-h{i}", HostileValues.Ascii(random, 16)));
                }

                kind = "many-headers";
                break;
            case 5:
                string[] timeouts = ["abc", "1H", "99999999S", "-5m", "0n", "100000000000m", "1", "S", "1.5S", "0S"];
                headers.Add(("grpc-timeout", timeouts[random.Next(timeouts.Length)]));
                kind = "grpc-timeout";
                break;
            case 6:
                string[] encodings = ["gzip", "br", "identity", "deflate", "x-nope", "gzip, gzip", ""];
                headers.Add(("grpc-encoding", encodings[random.Next(encodings.Length)]));
                kind = "grpc-encoding";
                break;
            case 7:
                headers.Add(("grpc-accept-encoding", HostileValues.Ascii(random, random.Next(0, 200))));
                headers.Add(("user-agent", HostileValues.Latin1(random, random.Next(0, 200))));
                kind = "accept-encoding";
                break;
            default:
                headers.Add(("x-forwarded-client-cert", HostileValues.Latin1(random, random.Next(0, 4000))));
                headers.Add(("x-forwarded-client-cert", HostileValues.Ascii(random, random.Next(0, 100))));
                kind = "xfcc";
                break;
        }

        return (kind, Frame(message, 0, message.Length), headers);
    }

    /// <summary>Frames that lie: compressed with no encoding, flags that do not exist, lengths longer or shorter than
    /// the body, no body, a partial prefix, two messages in a unary call.</summary>
    private static (string, byte[], List<(string, string)>) OddFrame(Random random, byte[] message) => random.Next(8) switch
    {
        0 => ("compressed-flag", Frame(message, 1, message.Length), []),
        1 => ("unknown-flag", Frame(message, (byte)random.Next(2, 256), message.Length), []),
        2 => ("length-too-long", Frame(message, 0, message.Length + random.Next(1, 100_000)), []),
        3 => ("length-too-short", Frame(message, 0, Math.Max(0, message.Length - random.Next(1, 100))), []),
        4 => ("no-body", [], []),
        5 => ("partial-prefix", [0, 0, 0], []),
        6 => ("two-messages", [.. Frame(message, 0, message.Length), .. Frame(message, 0, message.Length)], []),
        _ => ("length-4GiB", Frame(message, 0, -1), []),
    };

    private static byte[] Frame(byte[] message, byte flag, int declaredLength)
    {
        var frame = new byte[5 + message.Length];
        frame[0] = flag;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), declaredLength);
        message.CopyTo(frame, 5);
        return frame;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.TrailingHeaders.TryGetValues(name, out var values) || response.Headers.TryGetValues(name, out values) ? values.FirstOrDefault() : null;
}
