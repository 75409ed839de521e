using System.Text.Json;
using Grpc.Core;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Gateway.Tests.Monitoring;

namespace NeuralSec.Gateway.Tests.ClientState.Redis;

/// <summary>Alone: the state-store gauge is one per process, and this class reads it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RedisOutageCollection
{
    public const string Name = "redis-outage";
}

/// <summary>
/// End to end, a real sidecar on a real Redis that is killed and restarted on the same port: while it is down,
/// fail-closed policies refuse (UNAVAILABLE, <c>state_unavailable</c>, retry-after) and fail-open policies answer;
/// <c>neuralsec_state_store_up</c> reads 0 and exactly one alert says so, however many requests failed; once Redis
/// is back, the sidecar uses it again without a restart.
/// </summary>
[Collection(RedisOutageCollection.Name)]
public sealed class RedisOutageTests : IAsyncLifetime
{
    private readonly PolicyFolder _policies = new();
    private readonly ApiKeysFile _keys = new();
    private readonly Metadata _openClient = new() { { "x-api-key", "k-open" } };
    private RedisServer _redis = null!;
    private GatewayServer _server = null!;

    public async Task InitializeAsync()
    {
        _policies.Write("closed.yaml", PolicyFolder.Policy("budget-closed", """
              models: ["*"]
              mode: enforce
              onError: fail-closed
              rateLimit: { perClient: { tokensPerSecond: 100, burst: 1000 } }
            """))
            .Write("open.yaml", PolicyFolder.Policy("budget-open", """
              models: [mnist]
              clientGroups: [open]
              mode: enforce
              onError: fail-open
              rateLimit: { perClient: { tokensPerSecond: 100, burst: 1000 } }
            """));
        await _keys.WriteAsync(("open-client", "open", "k-open"));
        _redis = await RedisServer.StartAsync();
        _server = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Policies:Directory"] = _policies.Path,
            ["NeuralSec:Identity:ApiKeysFile"] = _keys.Path,
            ["NeuralSec:Redis:Configuration"] = _redis.Configuration,
            ["NeuralSec:Redis:OperationTimeout"] = RedisStores.Timeout.ToString(),
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _redis.DisposeAsync();
        _policies.Dispose();
        _keys.Dispose();
    }

    [Fact]
    public async Task Redis_down_fails_closed_or_open_per_policy_alerts_once_and_recovers_without_a_restart()
    {
        var request = InferRequests.Raw(TestDigits.Image(4));
        await Wait.Until(async () => await AnswersAsync(request, null), "the fail-closed policy answering with Redis up");
        Assert.Equal("1", await GaugeAsync());

        await _redis.KillAsync();
        for (var i = 0; i < 5; i++)
        {
            var ex = await Assert.ThrowsAsync<RpcException>(() => _server.Client.ModelInferAsync(request).ResponseAsync);
            Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
            Assert.Equal("state_unavailable", ex.Trailers.GetValue("x-neuralsec-reason"));
            Assert.NotNull(ex.Trailers.GetValue("retry-after"));

            var open = await _server.Client.ModelInferAsync(request, _openClient);
            Assert.Equal(TestDigits.Label(4), InferRequests.ArgMax(InferRequests.Logits(open)));
        }

        Assert.Equal("0", await GaugeAsync());
        await Wait.Until(() => StoreAlerts().Count >= 1, "the state store alert");
        var alert = Assert.Single(StoreAlerts());
        Assert.Equal("Shared State Unavailable", alert.GetProperty("finding_info").GetProperty("types")[0].GetString());

        await _redis.RestartAsync();
        await Wait.Until(async () => await AnswersAsync(request, null), "the fail-closed policy answering again after Redis came back", TimeSpan.FromSeconds(60));
        Assert.Equal("1", await GaugeAsync());
        Assert.Single(StoreAlerts());
    }

    [Fact]
    public async Task A_sidecar_starts_while_Redis_is_down_and_uses_it_once_it_is_up()
    {
        await using var redis = RedisServer.NotStarted();
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Policies:Directory"] = _policies.Path,
            ["NeuralSec:Identity:ApiKeysFile"] = _keys.Path,
            ["NeuralSec:Redis:Configuration"] = redis.Configuration,
        });
        var request = InferRequests.Raw(TestDigits.Image(5));

        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Client.ModelInferAsync(request).ResponseAsync);
        Assert.Equal("state_unavailable", ex.Trailers.GetValue("x-neuralsec-reason"));

        await redis.RestartAsync();
        await Wait.Until(
            async () =>
            {
                try
                {
                    await server.Client.ModelInferAsync(request);
                    return true;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
                {
                    return false;
                }
            },
            "answers once Redis is up",
            TimeSpan.FromSeconds(60));
    }

    private async Task<bool> AnswersAsync(NeuralSec.Protocol.Inference.ModelInferRequest request, Metadata? headers)
    {
        try
        {
            await _server.Client.ModelInferAsync(request, headers);
            return true;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable)
        {
            return false;
        }
    }

    private async Task<string?> GaugeAsync()
    {
        var text = await _server.Metrics.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        return PrometheusScrape.SampleValue(text, "neuralsec_state_store_up");
    }

    private List<JsonElement> StoreAlerts() => _server.Alerts()
        .Where(a => a.GetProperty("unmapped").GetProperty("neuralsec").GetProperty("kind").GetString() == "state-store-unavailable")
        .ToList();
}
