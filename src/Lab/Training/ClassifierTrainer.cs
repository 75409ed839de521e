using NeuralSec.Data;
using NeuralSec.Lab.Attacks;
using NeuralSec.Lab.Nn;

namespace NeuralSec.Lab.Training;

/// <summary>Mini-batch Adam training of a classifier; deterministic for a given seed.</summary>
internal static class ClassifierTrainer
{
    /// <returns>Mean training loss of each epoch.</returns>
    public static IReadOnlyList<float> Train(Network net, MnistSplit train, ClassifierTrainingOptions o, Action<string>? log = null)
    {
        var rng = new Random(o.Seed);
        var optimizer = new Adam(net.Parameters, o.LearningRate);
        var n = train.Count;
        var px = MnistSplit.Pixels;
        var order = Enumerable.Range(0, n).ToArray();
        var steps = (n + o.BatchSize - 1) / o.BatchSize;
        var losses = new List<float>();
        var attackSeed = o.Seed * 7919;
        for (var epoch = 0; epoch < o.Epochs; epoch++)
        {
            rng.Shuffle(order);
            var sum = 0.0;
            for (var step = 0; step < steps; step++)
            {
                var progress = (epoch * steps + step) / (double)(o.Epochs * steps);
                optimizer.LearningRate = (float)(o.LearningRate * (o.FinalLearningRateFraction + (1 - o.FinalLearningRateFraction) * 0.5 * (1 + Math.Cos(Math.PI * progress))));
                var start = step * o.BatchSize;
                var b = Math.Min(o.BatchSize, n - start);
                var x = new Tensor([b, 1, 28, 28]);
                var y = new byte[b];
                var soft = o.SoftTargets is null ? null : new float[b * 10];
                for (var i = 0; i < b; i++)
                {
                    var idx = order[start + i];
                    var (dx, dy) = o.MaxShift > 0 ? (rng.Next(-o.MaxShift, o.MaxShift + 1), rng.Next(-o.MaxShift, o.MaxShift + 1)) : (0, 0);
                    if (o.MaxRotation > 0 || o.MaxScale > 0)
                    {
                        var angle = o.MaxRotation * (float)(2 * rng.NextDouble() - 1);
                        var scale = 1f + o.MaxScale * (float)(2 * rng.NextDouble() - 1);
                        Augment.Affine(train.Image(idx), x.Data.AsSpan(i * px, px), angle, scale, dx, dy);
                    }
                    else
                    {
                        Augment.Shift(train.Image(idx), x.Data.AsSpan(i * px, px), dx, dy);
                    }
                    y[i] = train.Labels[idx];
                    o.SoftTargets?.AsSpan(idx * 10, 10).CopyTo(soft.AsSpan(i * 10));
                }

                net.ZeroGrad();
                net.Training = true;
                var cleanWeight = o.Adversarial is null ? 1f : 1f - o.AdversarialWeight;
                var loss = cleanWeight * Step(net, x, y, soft, o.Temperature, cleanWeight);
                if (o.Adversarial is { } adv)
                {
                    net.Training = false;
                    var xAdv = Pgd.Perturb(net, x.Data, y, null, adv with { Seed = attackSeed++ });
                    net.Training = true;
                    loss += o.AdversarialWeight * Step(net, new Tensor(x.Shape, xAdv), y, soft, o.Temperature, o.AdversarialWeight);
                }

                net.Training = false;
                optimizer.Step();
                sum += loss;
            }

            losses.Add((float)(sum / steps));
            log?.Invoke($"  epoch {epoch + 1}/{o.Epochs}: loss {sum / steps:F4}");
        }

        return losses;
    }

    private static float Step(Network net, Tensor x, byte[] y, float[]? soft, float temperature, float weight)
    {
        var logits = net.Forward(x);
        var grad = new Tensor(logits.Shape);
        var loss = Losses.SoftmaxCrossEntropy(logits, y, soft, temperature, grad);
        if (weight != 1f)
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(grad.Data, weight, grad.Data);
        }

        net.Backward(grad);
        return loss;
    }
}
