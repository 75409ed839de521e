using NeuralSec.Data;
using NeuralSec.Lab.Nn;

namespace NeuralSec.Lab.Training;

/// <summary>MagNet-style denoising training: input x + σ·N(0,1) clipped to [0,1], target x, MSE, Adam.</summary>
internal static class AutoencoderTrainer
{
    public static IReadOnlyList<float> Train(Network net, MnistSplit train, int epochs, int seed, float noise = 0.1f, float learningRate = 2e-3f, int batchSize = 64, Action<string>? log = null)
    {
        var rng = new Random(seed);
        var optimizer = new Adam(net.Parameters, learningRate);
        var n = train.Count;
        var px = MnistSplit.Pixels;
        var order = Enumerable.Range(0, n).ToArray();
        var steps = (n + batchSize - 1) / batchSize;
        var losses = new List<float>();
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            rng.Shuffle(order);
            var sum = 0.0;
            for (var step = 0; step < steps; step++)
            {
                var progress = (epoch * steps + step) / (double)(epochs * steps);
                optimizer.LearningRate = (float)(learningRate * (0.05 + 0.95 * 0.5 * (1 + Math.Cos(Math.PI * progress))));
                var start = step * batchSize;
                var b = Math.Min(batchSize, n - start);
                var x = new Tensor([b, 1, 28, 28]);
                var target = new float[b * px];
                for (var i = 0; i < b; i++)
                {
                    train.Image(order[start + i]).CopyTo(target.AsSpan(i * px, px));
                }

                for (var i = 0; i < x.Data.Length; i++)
                {
                    x.Data[i] = Math.Clamp(target[i] + noise * Init.Gaussian(rng), 0f, 1f);
                }

                net.ZeroGrad();
                var y = net.Forward(x);
                var grad = new Tensor(y.Shape);
                sum += Losses.MeanSquaredError(y, target, grad);
                net.Backward(grad);
                optimizer.Step();
            }

            losses.Add((float)(sum / steps));
            log?.Invoke($"  epoch {epoch + 1}/{epochs}: mse {sum / steps:F5}");
        }

        return losses;
    }
}
