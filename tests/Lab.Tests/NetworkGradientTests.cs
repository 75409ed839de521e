using NeuralSec.Lab.Attacks;
using NeuralSec.Lab.Nn;
using NeuralSec.Lab.Training;

namespace NeuralSec.Lab.Tests;

/// <summary>
/// End-to-end gradients (what white-box attacks and training use) against finite differences. Per-layer checks live in
/// <see cref="LayerGradientTests"/>; here we compare directional derivatives along random ±1 directions, because a
/// single pixel moves a float32 loss by less than its rounding error, while a direction over all pixels does not.
/// </summary>
public sealed class NetworkGradientTests
{
    private const float H = 1e-3f;

    [Theory]
    [InlineData(AttackLoss.CrossEntropy, 1f)]
    [InlineData(AttackLoss.CrossEntropy, 20f)]
    [InlineData(AttackLoss.Margin, 1f)]
    public void SmoothClassifierInputGradient_MatchesFiniteDifferences(AttackLoss loss, float temperature)
    {
        // The classifier's shapes with smooth units (sigmoid, average pool): no kinks, so the chain rule is checked tightly.
        var net = new Network(Architectures.MnistInput,
        [
            new Conv2d(1, 16, 5, 0), new Sigmoid(), new AvgPool2d(),
            new Conv2d(16, 32, 5, 0), new Sigmoid(), new AvgPool2d(),
            new Flatten(), new Dense(512, 128), new Sigmoid(), new Dense(128, 10),
        ]);
        Init.He(net, 3);
        var x = new Tensor([2, 1, 28, 28], TestData.Mnist.Test.Images[..(2 * 784)]);
        byte[] labels = [TestData.Mnist.Test.Labels[0], TestData.Mnist.Test.Labels[1]];
        var (_, grad) = InputGradient.Compute(net, x, labels, loss, temperature);
        CheckDirections(x.Data, grad, () => InputGradient.Compute(net, x, labels, loss, temperature).Loss, 0.01, h: 1e-2f);
    }

    [Fact]
    public void ReluClassifierInputGradient_MatchesFiniteDifferences()
    {
        // Margin on logits: a random-weight network's cross-entropy moves less than float32 resolution here.
        const AttackLoss loss = AttackLoss.Margin;
        const float temperature = 1f;
        // ReLU and max-pool kinks crossed by the probe add legitimate disagreement, so this only guards against gross errors.
        var net = WithRandomBiases(Architectures.Classifier(3));
        var x = Jitter(new Tensor([2, 1, 28, 28], TestData.Mnist.Test.Images[..(2 * 784)]));
        byte[] labels = [TestData.Mnist.Test.Labels[0], TestData.Mnist.Test.Labels[1]];
        var (_, grad) = InputGradient.Compute(net, x, labels, loss, temperature);
        CheckDirections(x.Data, grad, () => InputGradient.Compute(net, x, labels, loss, temperature).Loss, 0.25, h: 2e-4f);
    }

    [Fact]
    public void AutoencoderParameterAndInputGradients_MatchFiniteDifferences()
    {
        // The autoencoder's shapes with MagNet's original sigmoid hidden units, so the check is free of ReLU kinks.
        var net = new Network(Architectures.MnistInput,
        [
            new Conv2d(1, 8, 3, 1), new Sigmoid(), new AvgPool2d(),
            new Conv2d(8, 8, 3, 1), new Sigmoid(),
            new Conv2d(8, 8, 3, 1), new Sigmoid(), new Upsample2d(),
            new Conv2d(8, 8, 3, 1), new Sigmoid(),
            new Conv2d(8, 1, 3, 1), new Sigmoid(),
        ]);
        Init.He(net, 4);
        var x = Jitter(new Tensor([2, 1, 28, 28], TestData.Mnist.Test.Images[..(2 * 784)]));
        var target = TestData.Mnist.Test.Images[..(2 * 784)];
        float Loss() => Losses.MeanSquaredError(net.Forward(x), target, new Tensor([2, 1, 28, 28]));
        net.ZeroGrad();
        var y = net.Forward(x);
        var g = new Tensor(y.Shape);
        Losses.MeanSquaredError(y, target, g);
        var dx = net.Backward(g).Data;
        foreach (var p in net.Parameters)
        {
            CheckDirections(p.Value, (float[])p.Grad.Clone(), Loss, 0.02, h: 1e-2f);
        }

        CheckDirections(x.Data, dx, Loss, 0.02, h: 1e-2f);
    }

    private static void CheckDirections(float[] point, float[] gradient, Func<float> loss, double tolerance, float h = H)
    {
        var rng = new Random(5);
        for (var k = 0; k < 4; k++)
        {
            var d = Enumerable.Range(0, point.Length).Select(_ => rng.Next(2) == 0 ? -1f : 1f).ToArray();
            var analytic = 0.0;
            for (var i = 0; i < d.Length; i++)
            {
                analytic += (double)gradient[i] * d[i];
            }

            var original = (float[])point.Clone();
            for (var i = 0; i < d.Length; i++)
            {
                point[i] = original[i] + h * d[i];
            }

            var plus = loss();
            for (var i = 0; i < d.Length; i++)
            {
                point[i] = original[i] - h * d[i];
            }

            var minus = loss();
            original.CopyTo(point, 0);
            var numeric = (plus - minus) / (2.0 * h);
            var err = Math.Abs(numeric - analytic) / Math.Max(Math.Abs(numeric) + Math.Abs(analytic), 1e-3);
            Assert.True(err < tolerance, $"direction {k}: finite difference {numeric:G6} vs analytic {analytic:G6} (rel err {err:G3})");
        }
    }

    private static Tensor Jitter(Tensor x)
    {
        // A constant background makes max-pool windows tie exactly; small noise gives every window a clear winner.
        var rng = new Random(7);
        for (var i = 0; i < x.Data.Length; i++)
        {
            x.Data[i] += 0.2f * (float)rng.NextDouble();
        }

        return x;
    }

    /// <summary>
    /// Fresh networks have zero biases, so on MNIST's all-zero background many ReLU inputs sit exactly on the kink,
    /// where a finite difference is one-sided. Random biases move them off it.
    /// </summary>
    private static Network WithRandomBiases(Network net)
    {
        var rng = new Random(42);
        foreach (var p in net.Parameters.Where(p => p.Name == "B"))
        {
            for (var i = 0; i < p.Value.Length; i++)
            {
                p.Value[i] = (float)(0.2 * rng.NextDouble() - 0.1);
            }
        }

        return net;
    }
}
