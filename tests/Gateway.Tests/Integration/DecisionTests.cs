using System.Text.Json;
using Grpc.Core;
using NeuralSec.Gateway.Tests.Infrastructure;

namespace NeuralSec.Gateway.Tests.Integration;

/// <summary>Enforce vs monitor (shadow) decisions on a real sidecar: an over-budget client is throttled with a
/// retry-after under enforce, answered under monitor, and both become OCSF findings naming client, policy and
/// action.</summary>
public sealed class DecisionTests : IAsyncLifetime
{
    private readonly PolicyFolder _policies = new();
    private readonly ApiKeysFile _keys = new();
    private GatewayServer _server = null!;

    public async Task InitializeAsync()
    {
        // A budget of 2 that refills slowly: the third request in a row is over it.
        _policies.Write("enforce.yaml", PolicyFolder.Policy("budget-enforce", """
              models: ["*"]
              mode: enforce
              rateLimit: { perClient: { tokensPerSecond: 0.01, burst: 2 } }
            """))
            .Write("monitor.yaml", PolicyFolder.Policy("budget-monitor", """
              models: [mnist]
              clientGroups: [shadow]
              mode: monitor
              rateLimit: { perClient: { tokensPerSecond: 0.01, burst: 2 } }
            """));
        await _keys.WriteAsync(("shadow-client", "shadow", "k-shadow"));
        _server = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Policies:Directory"] = _policies.Path,
            ["NeuralSec:Identity:ApiKeysFile"] = _keys.Path,
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _policies.Dispose();
        _keys.Dispose();
    }

    [Fact]
    public async Task Enforce_mode_throttles_over_budget_with_retry_after_and_alerts()
    {
        var request = InferRequests.Raw(TestDigits.Image(1));
        await _server.Client.ModelInferAsync(request);
        await _server.Client.ModelInferAsync(request);
        var ex = await Assert.ThrowsAsync<RpcException>(() => _server.Client.ModelInferAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Equal("rate_limited", ex.Trailers.GetValue("x-neuralsec-reason"));
        Assert.True(int.Parse(ex.Trailers.GetValue("retry-after")!, System.Globalization.CultureInfo.InvariantCulture) >= 1);

        var alert = await _server.AlertForAsync(ex.Trailers.GetValue("x-neuralsec-request-id")!);
        var neuralsec = alert.GetProperty("unmapped").GetProperty("neuralsec");
        Assert.Equal("throttle", neuralsec.GetProperty("action").GetString());
        Assert.True(neuralsec.GetProperty("enforced").GetBoolean());
        Assert.Equal("budget-enforce", neuralsec.GetProperty("policy").GetProperty("name").GetString());
        Assert.Equal("anonymous@127.0.0.1", alert.GetProperty("actor").GetProperty("user").GetProperty("uid").GetString());
        Assert.Contains("AML.T0029", alert.GetProperty("finding_info").GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Monitor_mode_answers_over_budget_and_alerts_as_not_enforced()
    {
        var headers = new Metadata { { "x-api-key", "k-shadow" } };
        var request = InferRequests.Raw(TestDigits.Image(2));
        for (var i = 0; i < 4; i++)
        {
            var response = await _server.Client.ModelInferAsync(request, headers);
            Assert.Equal(TestDigits.Label(2), InferRequests.ArgMax(InferRequests.Logits(response)));
        }

        await Wait.Until(() => Shadow().Count >= 2);
        foreach (var alert in Shadow())
        {
            var neuralsec = alert.GetProperty("unmapped").GetProperty("neuralsec");
            Assert.Equal("throttle", neuralsec.GetProperty("action").GetString());
            Assert.False(neuralsec.GetProperty("enforced").GetBoolean());
            Assert.Equal("budget-monitor", neuralsec.GetProperty("policy").GetProperty("name").GetString());
        }

        List<JsonElement> Shadow() => _server.Alerts()
            .Where(a => a.GetProperty("actor").GetProperty("user").GetProperty("uid").GetString() == "shadow-client")
            .ToList();
    }
}
