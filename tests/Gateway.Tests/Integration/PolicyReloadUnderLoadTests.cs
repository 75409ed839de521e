using NeuralSec.Gateway.Policy.Runtime;
using NeuralSec.Gateway.Tests.Infrastructure;

namespace NeuralSec.Gateway.Tests.Integration;

/// <summary>
/// A client sends requests continuously while the policy goes valid → invalid → valid. Not one request may
/// fail, each answer must come from a policy revision that was live, and revisions must appear in the order
/// they were written. The policy's output rounding (decimals 1, then 3) makes the live revision visible in
/// every answer.
/// </summary>
public sealed class PolicyReloadUnderLoadTests
{
    private static string Spec(int decimals) => $$"""
          models: ["*"]
          output: { decimals: {{decimals}} }
        """;

    [Fact]
    public async Task Reloads_under_load_drop_nothing_and_apply_revisions_in_order()
    {
        using var policies = new PolicyFolder().Write("default.yaml", PolicyFolder.Policy("rounding", Spec(1)));
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Policies:Directory"] = policies.Path,
            ["NeuralSec:Policies:PollInterval"] = "00:00:00.100",
            ["NeuralSec:Policies:Debounce"] = "00:00:00.050",
        });
        var store = (PolicyStore)server.Services.GetService(typeof(PolicyStore))!;
        var firstGeneration = store.Current.Generation;

        using var stop = new CancellationTokenSource();
        var observed = new List<int>();
        var failures = new List<Exception>();
        var sent = 0;
        var load = Task.Run(async () =>
        {
            var request = InferRequests.Raw(TestDigits.Image(4));
            while (!stop.IsCancellationRequested && sent < 20_000)
            {
                try
                {
                    var logits = InferRequests.Logits(await server.Client.ModelInferAsync(request));
                    sent++;
                    var decimals = DecimalsOf(logits);
                    lock (observed)
                    {
                        if (observed.Count == 0 || observed[^1] != decimals)
                        {
                            observed.Add(decimals);
                        }
                    }
                }
                catch (Exception ex) when (ex is Grpc.Core.RpcException or InvalidOperationException)
                {
                    failures.Add(ex);
                }
            }
        });

        await Wait.Until(() => sent > 50);

        // Invalid edit: a typo in a key. Refused; the rounding to 1 decimal keeps serving.
        policies.Write("default.yaml", PolicyFolder.Policy("rounding", Spec(1).Replace("decimals", "decimal", StringComparison.Ordinal)));
        await Wait.Until(() => server.Alerts().Any(a =>
            a.GetProperty("unmapped").GetProperty("neuralsec").GetProperty("action").GetString() == "refuse-reload"));
        var afterInvalid = sent;
        await Wait.Until(() => sent > afterInvalid + 50);
        Assert.Equal(firstGeneration, store.Current.Generation);

        // Valid edit: three decimals.
        policies.Write("default.yaml", PolicyFolder.Policy("rounding", Spec(3)));
        await Wait.Until(() => store.Current.Generation == firstGeneration + 1);
        var afterValid = sent;
        await Wait.Until(() => sent > afterValid + 50);

        await stop.CancelAsync();
        await load;

        Assert.Empty(failures);
        lock (observed)
        {
            Assert.Equal([1, 3], observed);
        }
    }

    /// <summary>The most decimals any logit shows (0–6), i.e. the rounding the live policy applied.</summary>
    private static int DecimalsOf(float[] logits) =>
        logits.Max(v => Enumerable.Range(0, 7).First(d => Math.Abs(Math.Round(v, d) - v) < 1e-6 || d == 6));
}
