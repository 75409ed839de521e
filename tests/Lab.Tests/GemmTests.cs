using NeuralSec.Lab.Nn;

namespace NeuralSec.Lab.Tests;

public sealed class GemmTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(4, 25, 576)]
    [InlineData(7, 13, 37)]
    [InlineData(32, 400, 64)]
    [InlineData(5, 3, 10)]
    public void Multiply_MatchesNaive(int m, int k, int n)
    {
        var a = GradientCheck.Random([m, k], 1).Data;
        var b = GradientCheck.Random([k, n], 2).Data;
        var c0 = GradientCheck.Random([m, n], 3).Data;
        var fast = (float[])c0.Clone();
        var naive = (float[])c0.Clone();
        Gemm.Multiply(a, b, fast, m, k, n, accumulate: true);
        Gemm.MultiplyNaive(a, b, naive, m, k, n, accumulate: true);
        for (var i = 0; i < fast.Length; i++)
        {
            Assert.True(Math.Abs(fast[i] - naive[i]) <= 1e-4f * (1 + Math.Abs(naive[i])), $"C[{i}] {fast[i]} vs {naive[i]}");
        }
    }

    [Fact]
    public void Transpose_SwapsIndices()
    {
        var a = GradientCheck.Random([19, 23], 4).Data;
        var t = new float[a.Length];
        Gemm.Transpose(a, t, 19, 23);
        Assert.Equal(a[5 * 23 + 17], t[17 * 19 + 5]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Im2ColConv_MatchesNaiveConv_ForwardAndBackward(int pad)
    {
        var fast = new Conv2d(3, 5, 5, pad);
        var naive = new Conv2d(3, 5, 5, pad) { Algorithm = ConvAlgorithm.Naive };
        LayerGradientTests.Fill(fast.Weight, 1);
        LayerGradientTests.Fill(fast.Bias, 2);
        fast.Weight.Value.CopyTo(naive.Weight.Value, 0);
        fast.Bias.Value.CopyTo(naive.Bias.Value, 0);
        var x = GradientCheck.Random([3, 3, 12, 10], 5);
        var y1 = fast.Forward(x);
        var y2 = naive.Forward(x);
        AssertClose(y1.Data, y2.Data);
        var g = GradientCheck.Random(y1.Shape, 6);
        AssertClose(fast.Backward(g, true).Data, naive.Backward(g, true).Data);
        AssertClose(fast.Weight.Grad, naive.Weight.Grad);
        AssertClose(fast.Bias.Grad, naive.Bias.Grad);
    }

    [Fact]
    public void Training_IsDeterministicForASeed()
    {
        var split = TestData.Mnist.Train.Slice(0, 256);
        float[] Run()
        {
            var net = NeuralSec.Lab.Training.Architectures.Classifier(9);
            NeuralSec.Lab.Training.ClassifierTrainer.Train(net, split, new() { Epochs = 1, Seed = 9 });
            return net.Parameters.SelectMany(p => p.Value).ToArray();
        }

        Assert.Equal(Run(), Run());
    }

    private static void AssertClose(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        for (var i = 0; i < a.Length; i++)
        {
            Assert.True(Math.Abs(a[i] - b[i]) <= 1e-4f * (1 + Math.Abs(b[i])), $"[{i}] {a[i]} vs {b[i]}");
        }
    }
}
