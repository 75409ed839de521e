using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using NeuralSec.Gateway.Options;
using NeuralSec.Gateway.Rest;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Tests.FrontDoor;

/// <summary>
/// What a caller sends that must not grow the sidecar or break its answers: made-up model names (metric labels),
/// huge echoed strings (grpc-message), bytes that are not protobuf or not JSON, oversized, concurrent and stalled
/// bodies. Each test reproduces a defect the red team found against the live sidecar.
/// </summary>
public sealed class HostileInputTests
{
    [Fact]
    public async Task Made_up_model_names_never_become_metric_labels()
    {
        await using var server = await GatewayServer.StartAsync();
        var marker = "probe" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 50; i++)
        {
            var request = InferRequests.Raw(TestDigits.Image(0));
            request.ModelName = $"{marker}-{i}";
            await Assert.ThrowsAsync<RpcException>(() => server.Client.ModelInferAsync(request).ResponseAsync);
        }

        var scrape = await server.Metrics.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.DoesNotContain(marker, scrape, StringComparison.Ordinal);
        Assert.Contains("neuralsec_requests_total{model=\"_other\",outcome=\"not_found\"}", scrape, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_enormous_model_name_is_refused_with_a_short_message_and_the_connection_lives_on()
    {
        await using var server = await GatewayServer.StartAsync();
        var request = InferRequests.Raw(TestDigits.Image(0));
        request.ModelName = new string('é', 11_000);

        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Client.ModelInferAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("bad_model_name", ex.Trailers.GetValue("x-neuralsec-reason"));
        Assert.True(ex.Status.Detail.Length < 200, ex.Status.Detail);
        Assert.DoesNotContain("é", ex.Status.Detail, StringComparison.Ordinal);

        // The same channel, so the same HTTP/2 connection, still answers.
        var answer = await server.Client.ModelInferAsync(InferRequests.Raw(TestDigits.Image(0)));
        Assert.Single(answer.Outputs);
    }

    [Fact]
    public async Task Echoed_tensor_names_are_cut_and_made_ASCII()
    {
        await using var server = await GatewayServer.StartAsync();
        var request = InferRequests.Raw(TestDigits.Image(0));
        request.Inputs[0].Name = "\u0001" + new string('ß', 5_000);

        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Client.ModelInferAsync(request).ResponseAsync);

        Assert.Equal("unknown_input", ex.Trailers.GetValue("x-neuralsec-reason"));
        Assert.True(ex.Status.Detail.Length < 600, $"{ex.Status.Detail.Length} characters");
        Assert.Contains("\\u0001\\u00df", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Matches("^[ -~]*$", ex.Status.Detail);
    }

    [Fact]
    public async Task Bytes_that_are_not_protobuf_get_INVALID_ARGUMENT_with_trailers_and_one_log_line_per_burst()
    {
        var logs = new RecordingLogs();
        await using var server = await GatewayServer.StartAsync(logs: logs);
        using var http = new HttpClient(new SocketsHttpHandler());

        for (var i = 0; i < 40; i++)
        {
            // A gRPC frame (uncompressed, 3 bytes) whose payload is not a ModelInferRequest: a field tag with wire type 7.
            using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Endpoints.Grpc, "/inference.GRPCInferenceService/ModelInfer"))
            {
                Content = new ByteArrayContent([0, 0, 0, 0, 3, 0x0F, 0xFF, 0xFF]),
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
            message.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
            using var response = await http.SendAsync(message);
            await response.Content.ReadAsByteArrayAsync();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("3", GrpcTrailer(response, "grpc-status"));
            Assert.Equal("malformed_request", GrpcTrailer(response, "x-neuralsec-reason"));
            Assert.Matches("^[0-9a-f]{32}$", GrpcTrailer(response, "x-neuralsec-request-id"));
        }

        Assert.DoesNotContain(logs.Entries, e => e.Exception is not null || e.Message.Contains("Exception was thrown by handler", StringComparison.Ordinal));
        Assert.InRange(logs.Entries.Count(e => e.EventId.Id == 1005), 1, 2);
    }

    [Fact]
    public async Task Invalid_UTF8_inside_a_JSON_string_is_bad_json_not_a_500()
    {
        await using var server = await GatewayServer.StartAsync();
        var body = Encoding.UTF8.GetBytes("{\"id\":\"x\",\"inputs\":[{\"name\":\"input\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"")
            .Concat(new byte[] { 0xC3, 0x28 })
            .Concat(Encoding.UTF8.GetBytes("\"]}]}"))
            .ToArray();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await server.Http.PostAsync(new Uri("/v2/models/mnist/infer", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("bad_json", response.Headers.GetValues("x-neuralsec-reason").Single());
        Assert.Contains("UTF-8", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Binary_metadata_given_twice_does_not_end_the_call_with_UNKNOWN()
    {
        await using var server = await GatewayServer.StartAsync();

        // Repeating a binary key is legal gRPC; the client sends the values as one comma-joined header field.
        var headers = new Metadata { { "trace-bin", new byte[] { 1, 2, 3 } }, { "trace-bin", new byte[] { 4, 5, 6 } } };
        var answer = await server.Client.ModelInferAsync(InferRequests.Raw(TestDigits.Image(0)), headers);

        Assert.Single(answer.Outputs);
    }

    [Theory]
    [InlineData("x-trace-bin", "!!! not base64 !!!")]
    [InlineData("x-trace-bin", "AAEC,AwQF")]
    [InlineData("grpc-trace-bin", "%%%")]
    public async Task Binary_metadata_that_is_not_base64_is_ignored_not_UNKNOWN(string key, string value)
    {
        await using var server = await GatewayServer.StartAsync();

        using var response = await SendGrpcAsync(server, Frame(InferRequests.Raw(TestDigits.Image(0)).ToByteArray()), [(key, value)]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("0", GrpcTrailer(response, "grpc-status"));
    }

    [Theory]
    [InlineData("unknown-flag", "3", "malformed_request")]
    [InlineData("length-4GiB", "8", "too_large")]
    [InlineData("compressed-no-encoding", "3", "malformed_request")]
    [InlineData("compressed-identity", "3", "malformed_request")]
    [InlineData("gzip-garbage", "3", "malformed_request")]
    [InlineData("deflate-garbage", "3", "malformed_request")]
    [InlineData("cut", "3", "malformed_request")]
    [InlineData("two-messages", "3", "malformed_request")]
    [InlineData("no-body", "3", "malformed_request")]
    [InlineData("partial-prefix", "3", "malformed_request")]
    public async Task A_frame_that_lies_is_a_refusal_with_trailers_not_UNKNOWN_or_INTERNAL(string lie, string status, string reason)
    {
        var logs = new RecordingLogs();
        await using var server = await GatewayServer.StartAsync(logs: logs);
        var message = InferRequests.Raw(TestDigits.Image(0)).ToByteArray();
        var (frame, encoding) = lie switch
        {
            "unknown-flag" => (Frame(message, flag: 5), null),
            "length-4GiB" => (Frame(message, declaredLength: uint.MaxValue), null),
            "compressed-no-encoding" => (Frame(message, flag: 1), null),
            "compressed-identity" => (Frame(message, flag: 1), "identity"),
            "gzip-garbage" => (Frame([1, 2, 3, 4, 5, 6, 7, 8], flag: 1), "gzip"),
            "deflate-garbage" => (Frame([1, 2, 3, 4, 5, 6, 7, 8], flag: 1), "deflate"),
            "cut" => (Frame(message, declaredLength: (uint)message.Length + 100), null),
            "two-messages" => ([.. Frame(message), .. Frame(message)], null),
            "no-body" => ([], null),
            _ => (new byte[] { 0, 0, 0 }, (string?)null),
        };

        using var response = await SendGrpcAsync(server, frame, encoding is null ? [] : [("grpc-encoding", encoding)]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(status, GrpcTrailer(response, "grpc-status"));
        Assert.Equal(reason, GrpcTrailer(response, "x-neuralsec-reason"));
        Assert.Matches("^[0-9a-f]{32}$", GrpcTrailer(response, "x-neuralsec-request-id"));
        Assert.DoesNotContain(logs.Entries, e => e.Exception is not null || e.Level >= LogLevel.Error);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    public async Task A_compressed_request_is_still_answered(string encoding)
    {
        await using var server = await GatewayServer.StartAsync();
        var message = InferRequests.Raw(TestDigits.Image(0)).ToByteArray();
        using var compressed = new MemoryStream();
        await using (Stream compressor = encoding == "gzip"
            ? new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true)
            : new System.IO.Compression.ZLibStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            await compressor.WriteAsync(message);
        }

        using var response = await SendGrpcAsync(server, Frame(compressed.ToArray(), flag: 1), [("grpc-encoding", encoding)]);

        Assert.Equal("0", GrpcTrailer(response, "grpc-status"));
    }

    [Fact]
    public async Task Messages_larger_than_the_HTTP2_window_pass_the_frame_check_and_keep_the_connection()
    {
        await using var server = await GatewayServer.StartAsync();
        var request = InferRequests.Raw(TestDigits.Image(0));
        var one = request.RawInputContents[0].ToByteArray();
        request.Inputs[0].Shape[0] = 1000;
        request.RawInputContents[0] = ByteString.CopyFrom([.. Enumerable.Range(0, 1000).SelectMany(_ => one)]);

        // 3 MiB each, beyond the 768 KiB stream window, examined before grpc-dotnet reads them, several at once on
        // one connection: none may stall, and flow-control window must not be granted twice for the same bytes (the
        // client would overrun it and Kestrel end the connection with FLOW_CONTROL_ERROR). The answer is the
        // policy's (maxBatch 64), so each message got through whole.
        var reasons = await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ =>
            (await Assert.ThrowsAsync<RpcException>(() => server.Client.ModelInferAsync(request).ResponseAsync)).Trailers.GetValue("x-neuralsec-reason")));

        Assert.All(reasons, reason => Assert.Equal("batch_too_large", reason));
    }

    [Fact]
    public async Task A_header_byte_above_0x7F_does_not_end_the_connection_it_came_on()
    {
        await using var server = await GatewayServer.StartAsync();
        using var http = new HttpClient(new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.Latin1 });
        var frame = Frame(InferRequests.Raw(TestDigits.Image(0)).ToByteArray());

        // Kestrel used to answer with GOAWAY (a connection error), failing every call on the connection.
        using var odd = await SendGrpcAsync(server, frame, [("x-api-key", "café")], http);
        using var next = await SendGrpcAsync(server, frame, [], http);

        Assert.NotNull(GrpcTrailer(odd, "grpc-status"));
        Assert.Equal("0", GrpcTrailer(next, "grpc-status"));
    }

    [Theory]
    [InlineData("{\"id\":\"\\ud800\",\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[0]}]}")]
    [InlineData("{\"inputs\":[{\"name\":\"in\\udc00put\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[0]}]}")]
    [InlineData("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP\\ud83d32\",\"shape\":[1],\"data\":[0]}]}")]
    [InlineData("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"\\ud800x\"]}]}")]
    [InlineData("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[0]}],\"outputs\":[{\"name\":\"\\ud800\"}]}")]
    [InlineData("{\"in\\ud800puts\":[],\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[0]}]}")]
    [InlineData("{\"inputs\":[{\"\\udfffname\":\"input\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[0]}]}")]
    public void An_unpaired_surrogate_escape_in_any_JSON_string_is_bad_json(string json)
    {
        var decoded = RestInferDecoder.Decode(Encoding.UTF8.GetBytes(json), new LimitsOptions());

        Assert.Equal("bad_json", decoded.Inputs.Rejection?.ReasonCode);
    }

    [Fact]
    public async Task An_unpaired_surrogate_escape_is_400_bad_json_not_a_500()
    {
        await using var server = await GatewayServer.StartAsync();
        using var content = new StringContent("{\"id\":\"\\ud800\",\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,1,28,28],\"data\":[0]}]}", Encoding.UTF8, "application/json");

        using var response = await server.Http.PostAsync(new Uri("/v2/models/mnist/infer", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("bad_json", response.Headers.GetValues("x-neuralsec-reason").Single());
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_from_its_length_or_as_it_passes_the_limit()
    {
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?> { ["NeuralSec:Limits:MaxJsonBodyBytes"] = "65536" });
        var big = new byte[100_000];
        Array.Fill(big, (byte)' ');

        using var declared = new ByteArrayContent(big);
        using var fromLength = await server.Http.PostAsync(new Uri("/v2/models/mnist/infer", UriKind.Relative), declared);
        using var chunked = new StreamContent(new MemoryStream(big));
        chunked.Headers.ContentLength = null;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v2/models/mnist/infer", UriKind.Relative)) { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var asItPasses = await server.Http.SendAsync(request);

        foreach (var response in new[] { fromLength, asItPasses })
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Equal("too_large", response.Headers.GetValues("x-neuralsec-reason").Single());
        }
    }

    [Fact]
    public async Task Large_bodies_beyond_the_concurrency_bound_are_shed_at_once_with_a_retry_after()
    {
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Limits:LargeJsonBodyBytes"] = "1024",
            ["NeuralSec:Limits:MaxConcurrentLargeJsonBodies"] = "1",
        });

        // The first large body comes over a raw socket that writes 256 bytes every 100 ms (2.5 KB/s, above Kestrel's
        // minimum body data rate) itself, so no client-side buffering can starve it into a 408 that frees the slot.
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(server.Endpoints.Http.Host, server.Endpoints.Http.Port);
        var stream = socket.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"POST /v2/models/mnist/infer HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {8 * 1024 * 1024}\r\n\r\n"));
        await stream.WriteAsync(new byte[4096]);
        using var stop = new CancellationTokenSource();
        var trickle = Task.Run(async () =>
        {
            var chunk = new byte[256];
            Array.Fill(chunk, (byte)' ');
            while (!stop.IsCancellationRequested)
            {
                await stream.WriteAsync(chunk, stop.Token);
                await stream.FlushAsync(stop.Token);
                await Task.Delay(100, stop.Token);
            }
        });

        try
        {
            // The first body holds the only slot once its headers arrived; ask until that has happened (bounded).
            HttpResponseMessage? shed = null;
            var seen = new List<HttpStatusCode>();
            var probing = Wait.Until(async () =>
            {
                Assert.False(trickle.IsCompleted, $"the slow sender stopped: {trickle.Exception?.GetBaseException().Message}");
                var response = await server.Http.PostAsync(new Uri("/v2/models/mnist/infer", UriKind.Relative), new ByteArrayContent(new byte[4096]));
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    shed = response;
                    return true;
                }

                seen.Add(response.StatusCode);
                response.Dispose();
                return false;
            }, "a large body shed while the first holds the only slot");
            try
            {
                await probing;
            }
            catch (TimeoutException ex)
            {
                throw new TimeoutException($"{ex.Message}; answers instead: {string.Join(", ", seen.Distinct())}", ex);
            }

            using (shed)
            {
                Assert.NotNull(shed);
                Assert.Equal("overloaded", shed.Headers.GetValues("x-neuralsec-reason").Single());
                Assert.Equal(TimeSpan.FromSeconds(1), shed.Headers.RetryAfter?.Delta);
            }
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await trickle;
            }
            catch (OperationCanceledException)
            {
                // Stopped as asked.
            }
            catch (IOException)
            {
                // The server ended the connection; the slot is what mattered.
            }
        }
    }

    [Fact]
    public async Task A_stalled_body_is_a_request_timeout_not_too_large()
    {
        await using var server = await GatewayServer.StartAsync();

        // A raw socket, so the client can stall mid-body and still read the answer.
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(server.Endpoints.Http.Host, server.Endpoints.Http.Port);
        var stream = socket.GetStream();
        var head = $"POST /v2/models/mnist/infer HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{{\"inputs\":[";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));

        // Kestrel's minimum body data rate (240 B/s after a 5 s grace) ends the upload; the limit only guards a hang.
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var answer = new StringBuilder();
        var buffer = new byte[4096];
        while (!answer.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, limit.Token);
            if (read == 0)
            {
                break;
            }

            answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        var text = answer.ToString();
        Assert.StartsWith("HTTP/1.1 408", text, StringComparison.Ordinal);
        Assert.Contains("x-neuralsec-reason: body_timeout", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Decoding_a_JSON_body_allocates_about_the_tensor_not_a_document_tree()
    {
        const int elements = 1_000_000;
        var body = new StringBuilder("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,1000000],\"data\":[");
        for (var i = 0; i < elements; i++)
        {
            body.Append(i == 0 ? "0.5" : ",0.5");
        }

        var bytes = Encoding.UTF8.GetBytes(body.Append("]}]}").ToString());
        var limits = new LimitsOptions();
        RestInferDecoder.Decode(bytes, limits); // warm up

        var before = GC.GetAllocatedBytesForCurrentThread();
        var decoded = RestInferDecoder.Decode(bytes, limits);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Null(decoded.Inputs.Rejection);
        var tensor = elements * sizeof(float);
        Assert.True(allocated < tensor + (256 * 1024), $"decoding a {bytes.Length:N0}-byte body into a {tensor:N0}-byte tensor allocated {allocated:N0} bytes");
    }

    /// <summary>A gRPC message frame: flag byte, big-endian length (the true one unless told), the bytes.</summary>
    private static byte[] Frame(byte[] message, byte flag = 0, uint? declaredLength = null)
    {
        var frame = new byte[5 + message.Length];
        frame[0] = flag;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), declaredLength ?? (uint)message.Length);
        message.CopyTo(frame, 5);
        return frame;
    }

    /// <summary>A hand-made ModelInfer call over HTTP/2, with its answer read to the end.</summary>
    private static async Task<HttpResponseMessage> SendGrpcAsync(GatewayServer server, byte[] body, (string Key, string Value)[] headers, HttpClient? client = null)
    {
        using var own = client is null ? new HttpClient(new SocketsHttpHandler()) : null;
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Endpoints.Grpc, "/inference.GRPCInferenceService/ModelInfer"))
        {
            Content = new ByteArrayContent(body),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        message.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        foreach (var (key, value) in headers)
        {
            message.Headers.TryAddWithoutValidation(key, value);
        }

        var response = await (client ?? own!).SendAsync(message);
        await response.Content.ReadAsByteArrayAsync();
        return response;
    }

    /// <summary>A gRPC trailer, or the header of a trailers-only answer.</summary>
    private static string? GrpcTrailer(HttpResponseMessage response, string name) =>
        response.TrailingHeaders.TryGetValues(name, out var values) || response.Headers.TryGetValues(name, out values) ? values.FirstOrDefault() : null;
}
