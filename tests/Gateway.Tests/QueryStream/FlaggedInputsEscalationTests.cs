using Grpc.Core;
using NeuralSec.Gateway.Tests.Infrastructure;

namespace NeuralSec.Gateway.Tests.QueryStream;

/// <summary>
/// Escalation from inputs to the client, on the shipped policy (policies/mnist.yaml) over gRPC with API-key
/// identities: a client sending random noise has each query refused by the input detectors — which alone costs it
/// nothing — until its record of flagged inputs suspends it; a benign client's occasional flag never adds up.
/// </summary>
public sealed class FlaggedInputsEscalationTests : IAsyncLifetime
{
    private readonly ApiKeysFile _keys = new();
    private GatewayServer _server = null!;

    public async Task InitializeAsync()
    {
        await _keys.WriteAsync(("noisy", "", "key-noisy"), ("benign", "", "key-benign"));
        _server = await GatewayServer.StartAsync(new Dictionary<string, string?> { ["NeuralSec:Identity:ApiKeysFile"] = _keys.Path });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _keys.Dispose();
    }

    [Fact]
    public async Task A_client_sending_noise_is_refused_input_by_input_then_suspended()
    {
        var random = new Random(1);
        var reasons = new List<string?>();
        for (var i = 0; i < 20 && !reasons.Contains("suspicious_activity"); i++)
        {
            var noise = Enumerable.Range(0, 28 * 28).Select(_ => (float)random.NextDouble()).ToArray();
            var refused = await Assert.ThrowsAsync<RpcException>(() => _server.Client.ModelInferAsync(InferRequests.Raw(noise), Key("key-noisy")).ResponseAsync);
            reasons.Add(refused.Trailers.GetValue("x-neuralsec-reason"));
        }

        // Refused as inputs first (each alone imposes nothing), then as a client within a handful of queries.
        Assert.Equal("suspicious_input", reasons[0]);
        Assert.InRange(reasons.IndexOf("suspicious_activity") + 1, 5, 8);

        // Suspended: even an ordinary digit from the same client is refused for the cooldown, with no detail.
        var next = await Assert.ThrowsAsync<RpcException>(() => _server.Client.ModelInferAsync(InferRequests.Raw(TestDigits.Image(500)), Key("key-noisy")).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, next.StatusCode);
        Assert.Equal("suspicious_activity", next.Trailers.GetValue("x-neuralsec-reason"));
        Assert.DoesNotContain("flaggedInputs", next.Status.Detail, StringComparison.OrdinalIgnoreCase);

        // The alert of the escalating request names the signal, its ATLAS technique and the counts behind it.
        System.Text.Json.JsonElement? found = null;
        await Wait.Until(() => (found = Escalations().FirstOrDefault()) is not null, "the alert of the escalating request");
        var escalation = found!.Value;
        Assert.True(escalation.GetProperty("score").GetDouble() > 10);
        Assert.Contains("AML.T0043", escalation.GetRawText(), StringComparison.Ordinal);
        Assert.Contains("flaggedInWindow", escalation.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_benign_client_is_never_suspended_for_its_occasional_flagged_digit()
    {
        // 400 held-out test digits (the thresholds were calibrated on the first 1,000).
        Assert.True(TestDigits.Count >= 1_400);
        var reasons = new List<string?>();
        for (var i = 0; i < 400; i++)
        {
            try
            {
                await _server.Client.ModelInferAsync(InferRequests.Raw(TestDigits.Image(TestDigits.Count - 400 + i)), Key("key-benign"));
            }
            catch (RpcException ex)
            {
                reasons.Add(ex.Trailers.GetValue("x-neuralsec-reason"));
            }
        }

        Assert.DoesNotContain("suspicious_activity", reasons);
        Assert.All(reasons, r => Assert.Equal("suspicious_input", r));
    }

    private IEnumerable<System.Text.Json.JsonElement?> Escalations() => _server.Alerts()
        .Select(a => a.GetProperty("unmapped").GetProperty("neuralsec"))
        .Where(n => n.TryGetProperty("detectors", out _))
        .SelectMany(n => n.GetProperty("detectors").EnumerateArray())
        .Where(d => d.GetProperty("name").GetString() == "flaggedInputs" && d.GetProperty("flagged").GetBoolean())
        .Select(d => (System.Text.Json.JsonElement?)d);

    private static Metadata Key(string key) => new() { { "x-api-key", key } };
}
