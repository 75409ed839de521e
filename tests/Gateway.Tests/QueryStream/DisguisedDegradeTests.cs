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
    private SybilStream _sybils = null!;

    public async Task InitializeAsync() => _sybils = await SybilStream.StartAsync("disguised", SybilStream.LinkedPolicy + """
          output:
            misinformBelow: 0.9
            degradedAnswer: disguised
        """);

    public async Task DisposeAsync() => await _sybils.DisposeAsync();

    [Fact]
    public async Task A_degraded_account_gets_ordinary_answers_where_the_model_is_sure_and_a_disguised_wrong_label_where_it_is_not()
    {
        // The bystander's answers first (full logits: this policy keeps them): a confident digit, and a blend of two
        // digits the model is unsure of.
        var sure = TestDigits.Image(500);
        var sureAnswer = await BystanderAsync(sure);
        Assert.True(TopProbability(sureAnswer) >= 0.9);
        var (unsure, unsureAnswer) = await UnsureBlendAsync();

        var (_, _, linked, _) = await _sybils.RunUntilFlaggedAsync();
        Assert.NotEmpty(linked);

        var swapped = (float[])unsureAnswer.Clone();
        var (top, least) = (TensorPrimitives.IndexOfMax(swapped), TensorPrimitives.IndexOfMin(swapped));
        (swapped[top], swapped[least]) = (swapped[least], swapped[top]);
        foreach (var account in linked)
        {
            Assert.Equal(sureAnswer, await _sybils.ScoresAsync(account, sure));
            var misinformed = await _sybils.ScoresAsync(account, unsure);
            Assert.Equal(swapped, misinformed);
            Assert.Equal(least, TensorPrimitives.IndexOfMax(misinformed));
        }

        // Not degraded, the bystander is never misinformed.
        Assert.Equal(unsureAnswer, await BystanderAsync(unsure));
    }

    private Task<float[]> BystanderAsync(float[] image) => _sybils.ScoresAsync("bystander", image);

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
