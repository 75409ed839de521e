using Grpc.Core;
using NeuralSec.Gateway.Tests.Infrastructure;

namespace NeuralSec.Gateway.Tests.ClientState.Redis;

/// <summary>End to end: two real sidecars (the production host, each with its own connection) sharing one real
/// Redis, under a policy's rate limit. A client that alternates between them is limited as one client — without
/// Redis each would grant it the whole burst.</summary>
public sealed class SharedBudgetAcrossSidecarsTests : IAsyncLifetime
{
    private readonly PolicyFolder _policies = new();
    private RedisServer _redis = null!;
    private GatewayServer _first = null!;
    private GatewayServer _second = null!;

    public async Task InitializeAsync()
    {
        _policies.Write("budget.yaml", PolicyFolder.Policy("shared-budget", """
              models: ["*"]
              mode: enforce
              onError: fail-closed
              rateLimit: { perClient: { tokensPerSecond: 0.001, burst: 4 } }
            """));
        _redis = await RedisServer.StartAsync();
        var settings = RedisStores.SidecarSettings(_redis, _policies.Path);
        _first = await GatewayServer.StartAsync(settings);
        _second = await GatewayServer.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        await _redis.DisposeAsync();
        _policies.Dispose();
    }

    [Fact]
    public async Task A_client_alternating_between_two_sidecars_is_limited_as_one()
    {
        var request = InferRequests.Raw(TestDigits.Image(3));
        var outcomes = new List<StatusCode>();
        for (var i = 0; i < 8; i++)
        {
            var sidecar = i % 2 == 0 ? _first : _second;
            try
            {
                var response = await sidecar.Client.ModelInferAsync(request);
                Assert.Equal(TestDigits.Label(3), InferRequests.ArgMax(InferRequests.Logits(response)));
                outcomes.Add(StatusCode.OK);
            }
            catch (RpcException ex)
            {
                Assert.Equal("rate_limited", ex.Trailers.GetValue("x-neuralsec-reason"));
                outcomes.Add(ex.StatusCode);
            }
        }

        Assert.Equal(
            [StatusCode.OK, StatusCode.OK, StatusCode.OK, StatusCode.OK, StatusCode.ResourceExhausted, StatusCode.ResourceExhausted, StatusCode.ResourceExhausted, StatusCode.ResourceExhausted],
            outcomes);
    }
}
