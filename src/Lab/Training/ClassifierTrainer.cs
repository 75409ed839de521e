using NeuralSec.Data;
using NeuralSec.Lab.Attacks;
using NeuralSec.Lab.Nn;

namespace NeuralSec.Lab.Training;

/// <summary>Mini-batch Adam training of a classifier; deterministic for a given seed.</summary>
internal static class ClassifierTrainer
{
    public static ClassifierTrainingResult Train(Network net, MnistSplit train, ClassifierTrainingOptions o, Action<string>? log = null)
    {
        var rng = new Random(o.Seed);
        var optimizer = new Adam(net.Parameters, o.LearningRate);
        var n = train.Count;
        var px = MnistSplit.Pixels;
        var order = Enumerable.Range(0, n).ToArray();
        var steps = (n + o.BatchSize - 1) / o.BatchSize;
        var losses = new List<float>();
        var attackSeed = o.Seed * 7919;
        var stopping = new EarlyStopping(o.Check?.MaxDrop ?? double.PositiveInfinity);
        float[][]? best = null;
        for (var epoch = 0; epoch < o.Epochs && !stopping.ShouldStop; epoch++)
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
                var loss = cleanWeight > 0 ? cleanWeight * Step(net, x, y, soft, o.Temperature, cleanWeight) : 0f;
                if (o.Adversarial is { } adv)
                {
                    net.Training = false;
                    var attack = RampedAttack(adv, o.AdversarialRampEpochs, epoch + step / (double)steps) with { Seed = attackSeed++ };
                    var xAdv = Pgd.Perturb(net, x.Data, y, null, attack);
                    net.Training = true;
                    loss += o.AdversarialWeight * Step(net, new Tensor(x.Shape, xAdv), y, soft, o.Temperature, o.AdversarialWeight);
                }

                net.Training = false;
                optimizer.Step();
                sum += loss;
            }

            losses.Add((float)(sum / steps));
            var line = $"  epoch {epoch + 1}/{o.Epochs}: loss {sum / steps:F4}";
            if (o.Check is { } check && (epoch + 1) % check.EveryEpochs == 0)
            {
                var acc = Robustness.AccuracyUnder(net, check.Split, check.Attack);
                line += $", check {acc:P2}";
                if (stopping.Observe(epoch + 1, acc))
                {
                    best = net.Parameters.Select(p => p.Value.ToArray()).ToArray();
                }
                else if (stopping.ShouldStop)
                {
                    line += $" — more than {check.MaxDrop:P0} below epoch {stopping.BestEpoch}: stopping";
                }
            }

            log?.Invoke(line);
        }

        if (best is not null)
        {
            foreach (var (p, value) in net.Parameters.Zip(best))
            {
                value.CopyTo(p.Value, 0);
            }

            log?.Invoke($"  kept the weights of epoch {stopping.BestEpoch} (best check, {stopping.BestAccuracy:P2})");
        }

        return new ClassifierTrainingResult
        {
            EpochLosses = losses,
            Checks = stopping.Checks,
            SelectedEpoch = best is null ? losses.Count : stopping.BestEpoch,
            StoppedEarly = stopping.ShouldStop,
        };
    }

    /// <summary>The training attack at <paramref name="epochs"/> (fractional) into training: ε grows linearly over the ramp, then stays.</summary>
    internal static AttackOptions RampedAttack(AttackOptions full, float rampEpochs, double epochs)
        => rampEpochs <= 0 || epochs >= rampEpochs ? full : full.WithEpsilon((float)(full.Epsilon * epochs / rampEpochs));

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
