using Grpc.Core;
using NeuralSec.Gateway.Tests.Infrastructure;

namespace NeuralSec.Gateway.Tests.QueryStream;

/// <summary>
/// The stream defenses on a real sidecar over gRPC with API-key identities: a SimBA-shaped query stream is refused
/// within 50 queries and its client suspended for the cooldown; the same stream spread over several accounts is
/// caught just the same (the near-duplicate index is shared by all clients) and the alert names the other
/// accounts; benign clients — distinct digits, and exact retries of the same digit — are never flagged; monitor
/// mode answers and reports what enforce would do, imposing nothing.
/// </summary>
public sealed class ExtractionDefenseTests : IAsyncLifetime
{
    private const int Accounts = 5;
    private readonly PolicyFolder _policies = new();
    private readonly ApiKeysFile _keys = new();
    private GatewayServer _server = null!;

    public async Task InitializeAsync()
    {
        _policies.Write("mnist.yaml", Policy("stream-enforce", "mnist", "enforce"))
            .Write("shadow.yaml", Policy("stream-monitor", "mnist", "monitor", "  clientGroups: [shadow]\n"));
        await _keys.WriteAsync(Enumerable.Range(0, Accounts).Select(i => ($"acct-{i}", "", $"key-{i}"))
            .Append(("benign-a", "", "key-benign-a"))
            .Append(("benign-b", "", "key-benign-b"))
            .Append(("shadow-1", "shadow", "key-shadow")));
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
    public async Task A_SimBA_stream_is_refused_within_50_queries_and_its_client_suspended()
    {
        var (refusedAt, refusal) = await RunSimbaAsync(seed: 1, digit: 3, account: _ => "key-0");

        Assert.True(refusedAt <= 50, $"first refusal at query {refusedAt}");
        Assert.Equal(StatusCode.PermissionDenied, refusal.StatusCode);
        Assert.Equal("suspicious_activity", refusal.Trailers.GetValue("x-neuralsec-reason"));
        Assert.DoesNotContain("nearDuplicate", refusal.Status.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("score", refusal.Status.Detail, StringComparison.OrdinalIgnoreCase);

        // Suspended: even an ordinary digit from the same client is refused for the cooldown.
        var next = await Assert.ThrowsAsync<RpcException>(() => _server.Client.ModelInferAsync(InferRequests.Raw(TestDigits.Image(500)), Key("key-0")).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, next.StatusCode);
        Assert.Equal("suspicious_activity", next.Trailers.GetValue("x-neuralsec-reason"));

        var alert = await _server.AlertForAsync(refusal.Trailers.GetValue("x-neuralsec-request-id")!);
        var text = alert.GetRawText();
        Assert.Contains("AML.T0043", text, StringComparison.Ordinal);
        var detector = alert.GetProperty("unmapped").GetProperty("neuralsec").GetProperty("detectors").EnumerateArray()
            .Single(d => d.GetProperty("name").GetString() == "nearDuplicate");
        Assert.True(detector.GetProperty("flagged").GetBoolean());
        Assert.True(detector.GetProperty("score").GetDouble() > detector.GetProperty("threshold").GetDouble());
        Assert.NotEmpty(detector.GetProperty("related").EnumerateArray());
    }

    [Fact]
    public async Task A_stream_spread_over_several_accounts_is_caught_as_one_and_the_alert_names_the_others()
    {
        var (refusedAt, refusal) = await RunSimbaAsync(seed: 2, digit: 7, account: i => $"key-{1 + (i % (Accounts - 1))}");

        Assert.True(refusedAt <= 50, $"first refusal at query {refusedAt}");
        var alert = await _server.AlertForAsync(refusal.Trailers.GetValue("x-neuralsec-request-id")!);
        var related = alert.GetProperty("unmapped").GetProperty("neuralsec").GetProperty("detectors").EnumerateArray()
            .Single(d => d.GetProperty("name").GetString() == "nearDuplicate").GetProperty("related").EnumerateArray()
            .Select(r => r.GetProperty("client_id").GetString()).ToHashSet();
        var refusedClient = alert.GetProperty("actor").GetProperty("user").GetProperty("uid").GetString();
        Assert.Contains(related, c => c != refusedClient);
    }

    [Fact]
    public async Task Benign_clients_sending_distinct_digits_and_exact_retries_are_never_flagged()
    {
        for (var i = 0; i < 300; i++)
        {
            var image = TestDigits.Image(1_000 + i);
            await _server.Client.ModelInferAsync(InferRequests.Raw(image), Key("key-benign-a"));
            if (i % 10 == 0)
            {
                // A retry of the identical request is not a near-duplicate attack.
                await _server.Client.ModelInferAsync(InferRequests.Raw(image), Key("key-benign-a"));
                await _server.Client.ModelInferAsync(InferRequests.Raw(image), Key("key-benign-b"));
            }
        }

        Assert.DoesNotContain(_server.Alerts(), a => a.GetRawText().Contains("benign-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Monitor_mode_answers_the_stream_and_reports_what_enforce_would_do()
    {
        var random = new Random(3);
        var image = TestDigits.Image(42);
        for (var i = 0; i < 60; i++)
        {
            image = SimbaStep.Next(image, random);
            await _server.Client.ModelInferAsync(InferRequests.Raw(image), Key("key-shadow"));
        }

        await Wait.Until(() => _server.Alerts().Any(a => a.GetRawText().Contains("shadow-1", StringComparison.Ordinal)));
        var alert = _server.Alerts().First(a => a.GetRawText().Contains("shadow-1", StringComparison.Ordinal));
        var neuralsec = alert.GetProperty("unmapped").GetProperty("neuralsec");
        Assert.False(neuralsec.GetProperty("enforced").GetBoolean());
        Assert.Equal("block", neuralsec.GetProperty("action").GetString());

        // Nothing was imposed: the next ordinary digit is answered.
        await _server.Client.ModelInferAsync(InferRequests.Raw(TestDigits.Image(7)), Key("key-shadow"));
    }

    private async Task<(int RefusedAt, RpcException Refusal)> RunSimbaAsync(int seed, int digit, Func<int, string> account)
    {
        var random = new Random(seed);
        var image = TestDigits.Image(digit);
        for (var i = 1; i <= 200; i++)
        {
            image = SimbaStep.Next(image, random);
            try
            {
                await _server.Client.ModelInferAsync(InferRequests.Raw(image), Key(account(i)));
            }
            catch (RpcException ex)
            {
                return (i, ex);
            }
        }

        throw new Xunit.Sdk.XunitException("the stream was never refused in 200 queries");
    }


    private static Metadata Key(string key) => new() { { "x-api-key", key } };

    private static string Policy(string name, string model, string mode, string extra = "") => PolicyFolder.Policy(name, $$"""
          models: [{{model}}]
          mode: {{mode}}
        {{extra}}  input:
            image: { tensor: input, layout: NCHW, range: [0, 1] }
          extraction:
            window: 3600
            cooldown: 600
            detectors:
              - type: nearDuplicate
                threshold: 25
                action: block
              - type: distanceDistribution
                threshold: 0.9
                action: throttle
        """);
}
