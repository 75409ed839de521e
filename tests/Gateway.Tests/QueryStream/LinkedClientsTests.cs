using Grpc.Core;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Gateway.Tests.Monitoring;

namespace NeuralSec.Gateway.Tests.QueryStream;

/// <summary>
/// <c>spec.extraction.linkedClients</c> on a real sidecar over gRPC: when a SimBA-shaped stream spread over several
/// accounts is flagged by the near-duplicate index, the flagged account is blocked and the other accounts its alert
/// names as the senders of the near-duplicates are degraded (label-only answers) for the cooldown — one actor
/// sanctioned as one; a client the evidence does not name keeps its full answers; the alert counts the linked clients
/// and the metric counts them by action.
/// </summary>
public sealed class LinkedClientsTests : IAsyncLifetime
{
    private const int Accounts = 4;
    private readonly PolicyFolder _policies = new();
    private readonly ApiKeysFile _keys = new();
    private GatewayServer _server = null!;

    public async Task InitializeAsync()
    {
        _policies.Write("mnist.yaml", PolicyFolder.Policy("linked", """
              models: [mnist]
              input:
                image: { tensor: input, layout: NCHW, range: [0, 1] }
              extraction:
                cooldown: 600
                linkedClients: degrade
                detectors:
                  - type: nearDuplicate
                    threshold: 25
                    evidence: 5
                    action: block
            """));
        await _keys.WriteAsync(Enumerable.Range(0, Accounts).Select(i => ($"sybil-{i}", "", $"key-{i}")).Append(("bystander", "", "key-bystander")));
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
    public async Task The_accounts_a_near_duplicate_flag_names_are_degraded_with_the_flagged_one_and_a_bystander_is_not()
    {
        var sanctionedBefore = await LinkedSanctionsAsync();

        // The bystander's ordinary traffic first: its digits are not near-duplicates of the attack's.
        await _server.Client.ModelInferAsync(InferRequests.Raw(TestDigits.Image(900)), Key("key-bystander"));

        var random = new Random(5);
        var image = TestDigits.Image(11);
        RpcException? refusal = null;
        for (var i = 0; i < 200 && refusal is null; i++)
        {
            image = SimbaStep.Next(image, random);
            try
            {
                await _server.Client.ModelInferAsync(InferRequests.Raw(image), Key($"key-{i % Accounts}"));
            }
            catch (RpcException ex)
            {
                refusal = ex;
            }
        }

        Assert.NotNull(refusal);
        Assert.Equal("suspicious_activity", refusal.Trailers.GetValue("x-neuralsec-reason"));
        var alert = await _server.AlertForAsync(refusal.Trailers.GetValue("x-neuralsec-request-id")!);
        var blocked = alert.GetProperty("actor").GetProperty("user").GetProperty("uid").GetString()!;
        var detector = alert.GetProperty("unmapped").GetProperty("neuralsec").GetProperty("detectors").EnumerateArray()
            .Single(d => d.GetProperty("name").GetString() == "nearDuplicate");
        var linked = detector.GetProperty("related").EnumerateArray().Select(r => r.GetProperty("client_id").GetString()!)
            .Where(c => c != blocked).ToHashSet();
        Assert.NotEmpty(linked);
        Assert.Equal(linked.Count, detector.GetProperty("measures").GetProperty("linkedClients").GetDouble());

        // Each linked account now gets label-only answers, even for an ordinary digit; the flagged one is refused.
        foreach (var account in linked)
        {
            var answer = await _server.Client.ModelInferAsync(InferRequests.Raw(TestDigits.Image(500)), Key(KeyOf(account)));
            var scores = InferRequests.Logits(answer);
            Assert.Equal(1, scores.Count(s => s == 1f));
            Assert.Equal(scores.Length - 1, scores.Count(s => s == 0f));
        }

        var next = await Assert.ThrowsAsync<RpcException>(() => _server.Client.ModelInferAsync(InferRequests.Raw(TestDigits.Image(500)), Key(KeyOf(blocked))).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, next.StatusCode);

        var bystander = InferRequests.Logits(await _server.Client.ModelInferAsync(InferRequests.Raw(TestDigits.Image(500)), Key("key-bystander")));
        Assert.True(bystander.Any(s => s is not (0f or 1f)), "the bystander keeps its full scores");

        // Process-wide series: other tests' sidecars may add to it, so at least these.
        Assert.True(await LinkedSanctionsAsync() - sanctionedBefore >= linked.Count);
    }

    private async Task<double> LinkedSanctionsAsync()
    {
        var text = await _server.Metrics.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        return PrometheusScrape.CounterValue(text, "neuralsec_linked_client_sanctions_total{action=\"degrade\"}");
    }

    private static string KeyOf(string account) => $"key-{account["sybil-".Length..]}";

    private static Metadata Key(string key) => new() { { "x-api-key", key } };
}
