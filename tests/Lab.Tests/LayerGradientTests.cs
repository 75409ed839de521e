using NeuralSec.Lab.Nn;

namespace NeuralSec.Lab.Tests;

public sealed class LayerGradientTests
{
    [Theory]
    [InlineData(ConvAlgorithm.Im2ColGemm, 0)]
    [InlineData(ConvAlgorithm.Im2ColGemm, 1)]
    [InlineData(ConvAlgorithm.Naive, 2)]
    public void Conv2d_MatchesFiniteDifferences(ConvAlgorithm algorithm, int pad)
    {
        var conv = new Conv2d(2, 3, 3, pad) { Algorithm = algorithm };
        Fill(conv.Weight, 1);
        Fill(conv.Bias, 2);
        GradientCheck.Check(conv, GradientCheck.Random([2, 2, 6, 5], 3));
    }

    [Fact]
    public void Dense_MatchesFiniteDifferences()
    {
        var dense = new Dense(7, 5);
        Fill(dense.Weight, 1);
        Fill(dense.Bias, 2);
        GradientCheck.Check(dense, GradientCheck.Random([3, 7], 4));
    }

    [Fact]
    public void Relu_MatchesFiniteDifferences_AwayFromTheKink()
    {
        var x = GradientCheck.Random([2, 3, 4, 4], 5);
        for (var i = 0; i < x.Data.Length; i++)
        {
            x.Data[i] += MathF.Sign(x.Data[i]) * 0.1f;
        }

        GradientCheck.Check(new Relu(), x);
    }

    [Fact]
    public void MaxPool_MatchesFiniteDifferences_WithDistinctValues()
    {
        // Values spaced 0.05 apart so a ±0.01 probe never changes which element wins.
        var x = new Tensor([2, 2, 6, 6]);
        var perm = Enumerable.Range(0, x.Data.Length).ToArray();
        new Random(6).Shuffle(perm);
        for (var i = 0; i < perm.Length; i++)
        {
            x.Data[i] = perm[i] * 0.05f;
        }

        GradientCheck.Check(new MaxPool2d(), x, maxProbes: 200);
    }

    [Fact]
    public void AvgPool_MatchesFiniteDifferences() => GradientCheck.Check(new AvgPool2d(), GradientCheck.Random([2, 3, 4, 6], 7));

    [Fact]
    public void Upsample_MatchesFiniteDifferences() => GradientCheck.Check(new Upsample2d(), GradientCheck.Random([2, 2, 3, 3], 8));

    [Fact]
    public void Sigmoid_MatchesFiniteDifferences() => GradientCheck.Check(new Sigmoid(), GradientCheck.Random([2, 10], 9, 3f));

    [Fact]
    public void Flatten_MatchesFiniteDifferences() => GradientCheck.Check(new Flatten(), GradientCheck.Random([2, 2, 3, 3], 10));

    [Fact]
    public void Dropout_BackpropagatesThroughTheSameMask_AndIsTheIdentityAtInference()
    {
        var dropout = new Dropout(0.4f, 1);
        var x = GradientCheck.Random([4, 50], 15);
        Assert.Same(x, dropout.Forward(x));
        dropout.Training = true;
        var y = dropout.Forward(x);
        var g = GradientCheck.Random([4, 50], 16);
        var dx = dropout.Backward(g, true);
        var dropped = 0;
        for (var i = 0; i < x.Data.Length; i++)
        {
            // y = m·x and dx = m·g for the same m ∈ {0, 1/(1−p)}.
            var m = y.Data[i] / x.Data[i];
            Assert.True(Math.Abs(m) < 1e-6 || Math.Abs(m - 1f / 0.6f) < 1e-4, $"mask {m}");
            Assert.Equal(m * g.Data[i], dx.Data[i], 1e-4f);
            dropped += Math.Abs(m) < 1e-6 ? 1 : 0;
        }

        Assert.InRange(dropped, 40, 120);
    }

    [Theory]
    [InlineData(1f, false)]
    [InlineData(20f, false)]
    [InlineData(3f, true)]
    public void SoftmaxCrossEntropy_MatchesFiniteDifferences(float temperature, bool softTargets)
    {
        var z = GradientCheck.Random([4, 10], 11, 5f);
        byte[] labels = [3, 0, 9, 5];
        float[]? soft = null;
        if (softTargets)
        {
            soft = new float[40];
            for (var i = 0; i < 4; i++)
            {
                Losses.Softmax(GradientCheck.Random([1, 10], 20 + i, 2f).Data, soft.AsSpan(i * 10, 10));
            }
        }

        var grad = new Tensor(z.Shape);
        Losses.SoftmaxCrossEntropy(z, labels, soft, temperature, grad);
        CheckLoss(z, grad, t => Losses.SoftmaxCrossEntropy(t, labels, soft, temperature, new Tensor(t.Shape)));
    }

    [Fact]
    public void MeanSquaredError_MatchesFiniteDifferences()
    {
        var y = GradientCheck.Random([3, 8], 12);
        var target = GradientCheck.Random([3, 8], 13).Data;
        var grad = new Tensor(y.Shape);
        Losses.MeanSquaredError(y, target, grad);
        CheckLoss(y, grad, t => Losses.MeanSquaredError(t, target, new Tensor(t.Shape)));
    }

    [Fact]
    public void Margin_MatchesFiniteDifferences()
    {
        var z = GradientCheck.Random([3, 10], 14, 3f);
        byte[] cls = [1, 4, 7];
        var grad = new Tensor(z.Shape);
        Losses.Margin(z, cls, grad);
        CheckLoss(z, grad, t => Losses.Margin(t, cls, new Tensor(t.Shape)));
    }

    private static void CheckLoss(Tensor x, Tensor analytic, Func<Tensor, float> loss)
    {
        const float H = 1e-3f;
        for (var i = 0; i < x.Data.Length; i++)
        {
            var old = x.Data[i];
            x.Data[i] = old + H;
            var plus = loss(x);
            x.Data[i] = old - H;
            var minus = loss(x);
            x.Data[i] = old;
            GradientCheck.Compare((plus - minus) / (2.0 * H), analytic.Data[i], 1e-2, $"z[{i}]");
        }
    }

    internal static void Fill(Parameter p, int seed)
    {
        var rng = new Random(seed);
        for (var i = 0; i < p.Value.Length; i++)
        {
            p.Value[i] = (float)(rng.NextDouble() - 0.5);
        }
    }
}
