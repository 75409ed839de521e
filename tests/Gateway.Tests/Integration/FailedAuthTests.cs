using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using NeuralSec.Gateway.Identity;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Tests.Integration;

/// <summary>
/// Wrong API keys, end to end: an empty key header is a wrong key (never an anonymous caller), and each source
/// address gets a small budget of failures, after which its key-bearing requests are throttled before any hashing.
/// The red team had 2,000 wrong keys answered in 3.9 s.
/// </summary>
public sealed class FailedAuthTests : IAsyncLifetime
{
    private const int Burst = 3;
    private readonly ApiKeysFile _keys = new();
    private GatewayServer _server = null!;

    public async Task InitializeAsync()
    {
        await _keys.WriteAsync(("billing", "tenant-a", "key-billing"));
        _server = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Policies:Directory"] = RepoPaths.PassThroughPolicies,
            ["NeuralSec:Identity:ApiKeysFile"] = _keys.Path,
            ["NeuralSec:Identity:FailedAuth:Burst"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["NeuralSec:Identity:FailedAuth:RefillInterval"] = "01:00:00",
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _keys.Dispose();
    }

    [Fact]
    public async Task An_empty_key_header_is_an_invalid_key_on_both_protocols()
    {
        using var from = Channel(IPAddress.Parse("127.0.0.3"));
        var ex = await Assert.ThrowsAsync<RpcException>(() => Client(from).ModelInferAsync(Digit(), Key(string.Empty)).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.Equal("invalid_api_key", ex.Trailers.GetValue("x-neuralsec-reason"));

        using var http = new HttpClient(Handler(IPAddress.Parse("127.0.0.4"))) { BaseAddress = _server.Endpoints.Http };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v2/models/mnist/infer", UriKind.Relative))
        {
            Content = new StringContent(DigitJson(), new MediaTypeHeaderValue("application/json")),
        };
        Assert.True(request.Headers.TryAddWithoutValidation("x-api-key", string.Empty));
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_api_key", response.Headers.GetValues("x-neuralsec-reason").Single());
    }

    [Fact]
    public async Task Failures_beyond_the_budget_are_throttled_per_address_without_hashing_and_alerted()
    {
        var store = _server.Services.GetRequiredService<ApiKeyStore>();
        using var attacker = Channel(IPAddress.Parse("127.0.0.5"));
        for (var i = 0; i < Burst; i++)
        {
            var wrong = await Assert.ThrowsAsync<RpcException>(() => Client(attacker).ModelInferAsync(Digit(), Key($"guess-{i}")).ResponseAsync);
            Assert.Equal(StatusCode.Unauthenticated, wrong.StatusCode);
        }

        var lookups = store.Lookups;
        var throttled = await Assert.ThrowsAsync<RpcException>(() => Client(attacker).ModelInferAsync(Digit(), Key("guess-more")).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, throttled.StatusCode);
        Assert.Equal("auth_throttled", throttled.Trailers.GetValue("x-neuralsec-reason"));
        Assert.True(int.Parse(throttled.Trailers.GetValue("retry-after")!, System.Globalization.CultureInfo.InvariantCulture) >= 1);

        // Even the right key waits: telling right from wrong would take the hashing the throttle saves.
        var right = await Assert.ThrowsAsync<RpcException>(() => Client(attacker).ModelInferAsync(Digit(), Key("key-billing")).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, right.StatusCode);
        Assert.Equal(lookups, store.Lookups);

        // Requests without a key are not authentication attempts; another address has its own budget.
        await Client(attacker).ModelInferAsync(Digit());
        using var neighbour = Channel(IPAddress.Parse("127.0.0.6"));
        await Client(neighbour).ModelInferAsync(Digit(), Key("key-billing"));

        var alert = await _server.AlertForAsync(throttled.Trailers.GetValue("x-neuralsec-request-id")!);
        Assert.Equal("throttle", alert.GetProperty("unmapped").GetProperty("neuralsec").GetProperty("action").GetString());
        Assert.Equal("127.0.0.5", alert.GetProperty("evidences")[0].GetProperty("src_endpoint").GetProperty("ip").GetString());
    }

    private static Metadata Key(string value) => new() { { "x-api-key", value } };

    private static ModelInferRequest Digit() => InferRequests.Raw(TestDigits.Image(0));

    private static string DigitJson() =>
        $$"""{"inputs":[{"name":"input","datatype":"FP32","shape":[1,1,28,28],"data":[{{string.Join(',', TestDigits.Image(0).Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)))}}]}]}""";

    private static GRPCInferenceService.GRPCInferenceServiceClient Client(GrpcChannel channel) => new(channel);

    private GrpcChannel Channel(IPAddress source) =>
        GrpcChannel.ForAddress(_server.Endpoints.Grpc, new GrpcChannelOptions { HttpHandler = Handler(source) });

    /// <summary>Connects from a chosen loopback address (all of 127.0.0.0/8 is loopback on Linux), so one test
    /// can play several source addresses without leaving the machine.</summary>
    private static SocketsHttpHandler Handler(IPAddress source) => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
