using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using NeuralSec.Detectors.Detection;
using NeuralSec.Detectors.Preprocessing;
using NeuralSec.Lab.Nn;

namespace NeuralSec.RedTeam.Attacks;

/// <summary>What a member of the default combination must stay under for the attacker to pass it unflagged.</summary>
internal sealed record JointAttackTargets(double FeatureSqueezing, double ReconstructionError, double Statistics);

/// <summary>
/// The fully adaptive attacker of issue #11: white-box on the classifier and on every member of the default combination
/// at once. It descends C&amp;W's margin loss on the input and on both squeezed views — so the bit-depth-1 copy that a
/// <c>repair</c> answers from is fooled too — plus, for each detector, a hinge max(0, score/threshold − 0.8) weighted by
/// <see cref="JointAttackSettings.Penalty"/>: feature squeezing through BPDA (straight-through squeezers, exact softmax
/// Jacobians), the autoencoder's reconstruction error through its exact gradient (including the autoencoder's own
/// Jacobian), the statistics through <see cref="StatisticsGradient"/>. No random start: noise on the background only
/// helps the detectors. Each image stops at the first iterate the defended system would answer wrongly — as judged by
/// <c>answer</c> on the attacker's own exact scores (the attacker can run the open-source detectors offline).
/// </summary>
internal static class JointAdaptiveAttack
{
    private const int Item = AdversarialBatch.Pixels;
    private const int Classes = 10;
    private const float Margin = 0.8f;
    private const float Confidence = 2f;

    /// <param name="answer">The defended system's answer from (scores [fs, ae, statistics], label on x, label on the
    /// repaired view); null when it refuses.</param>
    public static float[] Run(
        Network classifier,
        Network autoencoder,
        IReadOnlyList<IPreprocessor> squeezers,
        StatisticsGradient statistics,
        JointAttackTargets targets,
        Func<double[], int, int, int?> answer,
        JointAttackSettings settings,
        float[] images,
        byte[] labels,
        int batchSize = 100)
    {
        var n = images.Length / Item;
        var result = new float[images.Length];
        for (var s = 0; s < n; s += batchSize)
        {
            var b = Math.Min(batchSize, n - s);
            var clean = images.AsSpan(s * Item, b * Item).ToArray();
            var adversarial = RunBatch(classifier, autoencoder, squeezers, statistics, targets, answer, settings, clean, labels.AsSpan(s, b).ToArray());
            adversarial.CopyTo(result, s * Item);
        }

        return result;
    }

    private static float[] RunBatch(Network classifier, Network autoencoder, IReadOnlyList<IPreprocessor> squeezers, StatisticsGradient statistics, JointAttackTargets targets, Func<double[], int, int, int?> answer, JointAttackSettings settings, float[] clean, byte[] labels)
    {
        var b = labels.Length;
        var copies = 1 + squeezers.Count;
        var x = (float[])clean.Clone();
        var mask = settings.BackgroundPreserving ? DigitNeighbourhood(clean, b) : null;
        var changed = new bool[x.Length];
        var done = new bool[b];
        var alpha = settings.Norm == AttackNorm.L0 ? 0f : 2.5f * settings.Epsilon / settings.Steps;
        var perStep = settings.Norm == AttackNorm.L0 ? Math.Max(1, (int)Math.Ceiling(settings.Epsilon / settings.Steps)) : 0;
        var used = new int[b];
        for (var step = 0; step <= settings.Steps; step++)
        {
            var (logits, p) = SqueezedViews.Forward(classifier, squeezers, x, b);

            var reconstruction = autoencoder.Forward(new Tensor(Tensor.WithBatch(b, autoencoder.InputShape), (float[])x.Clone())).Data;
            var g = new Tensor(logits.Shape);
            var aeGrad = new Tensor(Tensor.WithBatch(b, autoencoder.InputShape));
            var direct = new float[x.Length];
            var anyAe = false;
            for (var i = 0; i < b; i++)
            {
                var y = labels[i];
                var xi = x.AsSpan(i * Item, Item);
                var pi = p.AsSpan(i * Classes, Classes);

                // Feature squeezing: the L1 distance to the worst squeezed view.
                var (fs, worst) = (0.0, 1);
                for (var k = 1; k < copies; k++)
                {
                    var l1 = Probabilities.L1(pi, p.AsSpan(((k * b) + i) * Classes, Classes));
                    if (l1 > fs)
                    {
                        (fs, worst) = (l1, k);
                    }
                }

                var ri = reconstruction.AsSpan(i * Item, Item);
                double ae = 0;
                for (var j = 0; j < Item; j++)
                {
                    ae += (xi[j] - ri[j]) * (xi[j] - ri[j]);
                }

                ae /= Item;
                var st = statistics.AddGradient(xi, targets.Statistics, Margin, settings.Penalty, direct.AsSpan(i * Item, Item));
                var predicted = TensorPrimitives.IndexOfMax(pi);
                var repaired = TensorPrimitives.IndexOfMax(p.AsSpan((b + i) * Classes, Classes)); // squeezers[0], the repair's view
                if (!done[i] && answer([fs, ae, st], predicted, repaired) is { } label && label != y)
                {
                    done[i] = true; // the defended system answers this iterate wrongly: keep it
                }

                if (done[i])
                {
                    direct.AsSpan(i * Item, Item).Clear();
                    continue;
                }

                for (var k = 0; k < copies; k++)
                {
                    MarginGradient(logits.Item((k * b) + i), y, g.Item((k * b) + i));
                }

                if (fs / targets.FeatureSqueezing > Margin)
                {
                    var q = p.AsSpan(((worst * b) + i) * Classes, Classes);
                    var sign = new float[Classes];
                    for (var j = 0; j < Classes; j++)
                    {
                        sign[j] = MathF.Sign(pi[j] - q[j]);
                    }

                    var scale = (float)(settings.Penalty / targets.FeatureSqueezing);
                    SoftmaxJacobian.Accumulate(g.Item(i), pi, sign, scale);
                    SoftmaxJacobian.Accumulate(g.Item((worst * b) + i), q, sign, -scale);
                }

                if (ae / targets.ReconstructionError > Margin)
                {
                    // e = mean (x − r)²: ∂e/∂x = (2/n)(x − r) directly, and −(2/n)(x − r) through r = AE(x).
                    anyAe = true;
                    var scale = (float)(settings.Penalty / targets.ReconstructionError) * 2f / Item;
                    var o = aeGrad.Item(i);
                    var d = direct.AsSpan(i * Item, Item);
                    for (var j = 0; j < Item; j++)
                    {
                        var v = scale * (xi[j] - ri[j]);
                        d[j] += v;
                        o[j] = -v;
                    }
                }
            }

            if (step == settings.Steps || done.All(d => d))
            {
                break;
            }

            var gin = classifier.Backward(g, accumulateParameterGradients: false).Data;
            var through = anyAe ? autoencoder.Backward(aeGrad, accumulateParameterGradients: false).Data : null;
            var grad = new float[x.Length];
            for (var at = 0; at < x.Length; at++)
            {
                var sum = direct[at] + (through?[at] ?? 0f);
                for (var k = 0; k < copies; k++)
                {
                    sum += gin[(k * b * Item) + at]; // straight-through: ∂s(x)/∂x ≈ I
                }

                grad[at] = mask is null || mask[at] ? sum : 0f;
            }

            for (var i = 0; i < b; i++)
            {
                if (!done[i])
                {
                    Step(settings, alpha, perStep, x.AsSpan(i * Item, Item), clean.AsSpan(i * Item, Item), grad.AsSpan(i * Item, Item), changed.AsSpan(i * Item, Item), mask is null ? default : mask.AsSpan(i * Item, Item), ref used[i]);
                }
            }
        }

        return x;
    }

    /// <summary>One descent step within the budget.</summary>
    private static void Step(JointAttackSettings settings, float alpha, int perStep, Span<float> x, ReadOnlySpan<float> clean, ReadOnlySpan<float> grad, Span<bool> changed, ReadOnlySpan<bool> mask, ref int used)
    {
        var eps = settings.Epsilon;
        switch (settings.Norm)
        {
            case AttackNorm.LInf:
                for (var j = 0; j < Item; j++)
                {
                    var v = x[j] - (alpha * MathF.Sign(grad[j]));
                    x[j] = Math.Clamp(Math.Clamp(v, clean[j] - eps, clean[j] + eps), 0f, 1f);
                }

                break;
            case AttackNorm.L2:
            {
                var norm = MathF.Sqrt(TensorPrimitives.SumOfSquares(grad));
                if (norm < 1e-12f)
                {
                    return;
                }

                for (var j = 0; j < Item; j++)
                {
                    x[j] = Math.Clamp(x[j] - (alpha * grad[j] / norm), 0f, 1f);
                }

                var delta = 0f;
                for (var j = 0; j < Item; j++)
                {
                    delta += (x[j] - clean[j]) * (x[j] - clean[j]);
                }

                delta = MathF.Sqrt(delta);
                if (delta > eps)
                {
                    for (var j = 0; j < Item; j++)
                    {
                        x[j] = Math.Clamp(clean[j] + ((x[j] - clean[j]) * eps / delta), 0f, 1f);
                    }
                }

                break;
            }

            default: // L0: set the most salient unchanged pixels to the extreme the gradient asks for
                for (var k = 0; k < perStep && used < eps; k++)
                {
                    var (best, gain) = (-1, 0f);
                    for (var j = 0; j < Item; j++)
                    {
                        var target = grad[j] > 0 ? 0f : 1f;
                        var score = Math.Abs(grad[j]) * Math.Abs(target - x[j]);
                        if (!changed[j] && (mask.IsEmpty || mask[j]) && score > gain)
                        {
                            (best, gain) = (j, score);
                        }
                    }

                    if (best < 0)
                    {
                        return;
                    }

                    x[best] = grad[best] > 0 ? 0f : 1f;
                    changed[best] = true;
                    used++;
                }

                break;
        }
    }

    /// <summary>max(z_y − max_{j≠y} z_j, −κ): its gradient on the logits, added to <paramref name="g"/>.</summary>
    private static void MarginGradient(ReadOnlySpan<float> z, int y, Span<float> g)
    {
        var (other, best) = (-1, float.NegativeInfinity);
        for (var j = 0; j < z.Length; j++)
        {
            if (j != y && z[j] > best)
            {
                (other, best) = (j, z[j]);
            }
        }

        if (z[y] - best > -Confidence)
        {
            g[y] += 1f;
            g[other] -= 1f;
        }
    }

    /// <summary>The digit's strokes (pixels above 0.05) dilated by two pixels: where a background-preserving attacker may
    /// write.</summary>
    private static bool[] DigitNeighbourhood(float[] images, int count)
    {
        var mask = new bool[images.Length];
        for (var n = 0; n < count; n++)
        {
            var o = n * Item;
            for (var y = 0; y < 28; y++)
            {
                for (var c = 0; c < 28; c++)
                {
                    if (images[o + (y * 28) + c] <= 0.05f)
                    {
                        continue;
                    }

                    for (var dy = -2; dy <= 2; dy++)
                    {
                        for (var dx = -2; dx <= 2; dx++)
                        {
                            var (yy, cc) = (y + dy, c + dx);
                            if (yy is >= 0 and < 28 && cc is >= 0 and < 28)
                            {
                                mask[o + (yy * 28) + cc] = true;
                            }
                        }
                    }
                }
            }
        }

        return mask;
    }
}
