using System.Numerics.Tensors;
using NeuralSec.Gateway.Tests.Infrastructure;

namespace NeuralSec.Gateway.Tests.QueryStream;

/// <summary>
/// <c>spec.output.degradedAnswer: disguised</c> on a real sidecar over gRPC: the accounts <c>linkedClients</c> degrades
/// get, for a digit the model is sure of, exactly the answer a bystander gets (nothing tells them they were degraded),
/// and for an input the model is unsure of (top probability under <c>misinformBelow</c>) the same scores with the top
/// and the least likely class traded — a wrong label shaped like any other answer.
/// </summary>
public sealed class DisguisedDegradeTests : IAsyncLifetime
{
    private const int Accounts = 4;
    private readonly PolicyFolder _policies = new();
    private readonly ApiKeysFile _keys = new();
    private GatewayServer _server = null!;

    public async Task InitializeAsync()
    {
        _policies.Write("mnist.yaml", PolicyFolder.Policy("disguised", """
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
              output:
                misinformBelow: 0.9
                degradedAnswer: disguised
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
    public async Task A_degraded_account_gets_ordinary_answers_where_the_model_is_sure_and_a_disguised_wrong_label_where_it_is_not()
    {
        // The bystander's answers first (full logits: this policy keeps them): a confident digit, and a blend of two
        // digits the model is unsure of.
        var sure = TestDigits.Image(500);
        var sureAnswer = await BystanderAsync(sure);
        Assert.True(TopProbability(sureAnswer) >= 0.9);
        var (unsure, unsureAnswer) = await UnsureBlendAsync();

        var (_, _, linked, _) = await SybilStream.RunUntilFlaggedAsync(_server, Accounts);
        Assert.NotEmpty(linked);

        var swapped = (float[])unsureAnswer.Clone();
        var (top, least) = (TensorPrimitives.IndexOfMax(swapped), TensorPrimitives.IndexOfMin(swapped));
        (swapped[top], swapped[least]) = (swapped[least], swapped[top]);
        foreach (var account in linked)
        {
            var key = SybilStream.Key(SybilStream.KeyOf(account));
            Assert.Equal(sureAnswer, InferRequests.Logits(await _server.Client.ModelInferAsync(InferRequests.Raw(sure), key)));
            var misinformed = InferRequests.Logits(await _server.Client.ModelInferAsync(InferRequests.Raw(unsure), key));
            Assert.Equal(swapped, misinformed);
            Assert.Equal(least, TensorPrimitives.IndexOfMax(misinformed));
        }

        // Not degraded, the bystander is never misinformed.
        Assert.Equal(unsureAnswer, await BystanderAsync(unsure));
    }

    private async Task<float[]> BystanderAsync(float[] image) =>
        InferRequests.Logits(await _server.Client.ModelInferAsync(InferRequests.Raw(image), SybilStream.Key("key-bystander")));

    /// <summary>The first even blend of two test digits of different classes whose top probability is under 0.9.</summary>
    private async Task<(float[] Image, float[] Logits)> UnsureBlendAsync()
    {
        for (var i = 0; i < 50; i++)
        {
            var (a, b) = (TestDigits.Image(600 + i), TestDigits.Image(700 + i));
            if (TestDigits.Label(600 + i) == TestDigits.Label(700 + i))
            {
                continue;
            }

            var blend = a.Zip(b, (x, y) => (x + y) / 2).ToArray();
            var logits = await BystanderAsync(blend);
            if (TopProbability(logits) < 0.9)
            {
                return (blend, logits);
            }
        }

        throw new InvalidOperationException("no unsure blend among 50 pairs of test digits");
    }

    private static float TopProbability(float[] logits)
    {
        var p = new float[logits.Length];
        TensorPrimitives.SoftMax(logits, p);
        return TensorPrimitives.Max(p);
    }
}
