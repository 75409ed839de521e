using NeuralSec.Detectors.Preprocessing;
using NeuralSec.Lab.Nn;

namespace NeuralSec.RedTeam.Attacks;

/// <summary>
/// An attacker who knows the Feature Squeezing detector: L∞ PGD (no random start — noise in the background would only help
/// the other detectors) with BPDA (straight-through) through the squeezers s, ascending either
/// CE(f(x), y) − λ·Σₛ ‖softmax f(x) − softmax f(s(x))‖₁ (penalise the detector's score; <paramref name="lambda"/> ≥ 0), or, when
/// <paramref name="lambda"/> is negative, CE(f(x), y) + Σₛ CE(f(s(x)), y) (fool every view at once, so the squeezed outputs agree
/// on the wrong answer — the consistent-misclassification strategy). The original and squeezed copies go through the network as one batch, so one backward pass gives all
/// three input gradients. An image stops moving as soon as it is misclassified with a squeezing score at or under the
/// detector's threshold; that iterate is kept (the attacker can evaluate the detector offline — it is white-box).
/// </summary>
internal static class SqueezeAwarePgd
{
    /// <param name="lambda">Weight of the score penalty; negative selects the all-views cross-entropy objective.</param>
    public static float[] Perturb(Network net, IReadOnlyList<IPreprocessor> squeezers, float[] images, byte[] labels, float epsilon, int steps, float lambda, double threshold, int batchSize = 100)
    {
        const int item = AdversarialBatch.Pixels;
        const int classes = 10;
        var n = images.Length / item;
        var copies = 1 + squeezers.Count;
        var alpha = 2.5f * epsilon / steps;
        var result = new float[images.Length];
        for (var s = 0; s < n; s += batchSize)
        {
            var b = Math.Min(batchSize, n - s);
            var clean = images.AsSpan(s * item, b * item).ToArray();
            var x = (float[])clean.Clone();
            var done = new bool[b];
            for (var step = 0; step <= steps; step++)
            {
                var (logits, p) = SqueezedViews.Forward(net, squeezers, x, b);

                var g = new Tensor(logits.Shape);
                for (var i = 0; i < b; i++)
                {
                    var pi = p.AsSpan(i * classes, classes);
                    var y = labels[s + i];
                    var score = 0.0;
                    var dp = new float[classes];
                    for (var j = 0; j < classes; j++)
                    {
                        dp[j] = pi[j] - (j == y ? 1f : 0f); // ∂CE/∂z at x
                    }

                    var fromL1 = new float[classes];
                    for (var k = 1; k < copies; k++)
                    {
                        var q = p.AsSpan(((k * b) + i) * classes, classes);
                        var sign = new float[classes];
                        var l1 = 0.0;
                        for (var j = 0; j < classes; j++)
                        {
                            sign[j] = MathF.Sign(pi[j] - q[j]);
                            l1 += Math.Abs(pi[j] - q[j]);
                        }

                        score = Math.Max(score, l1);
                        if (lambda < 0)
                        {
                            var gs = g.Item((k * b) + i);
                            for (var j = 0; j < classes; j++)
                            {
                                gs[j] = q[j] - (j == y ? 1f : 0f); // ∂CE/∂z at s(x)
                            }
                        }
                        else
                        {
                            SoftmaxJacobian.Accumulate(fromL1, pi, sign, 1f);                 // ∂L1/∂z(x) through softmax
                            SoftmaxJacobian.Accumulate(g.Item((k * b) + i), q, sign, lambda); // −λ·∂L1/∂z(s(x)), sign flipped twice
                        }
                    }

                    var weight = Math.Max(lambda, 0f);
                    for (var j = 0; j < classes; j++)
                    {
                        g.Item(i)[j] = dp[j] - (weight * fromL1[j]);
                    }

                    var predicted = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(pi);
                    if (!done[i] && predicted != y && score <= threshold)
                    {
                        done[i] = true; // evades the detector and fools the model: keep this iterate
                    }
                }

                if (step == steps)
                {
                    break;
                }

                var gin = net.Backward(g, accumulateParameterGradients: false).Data;
                for (var i = 0; i < b; i++)
                {
                    if (done[i])
                    {
                        continue;
                    }

                    for (var px = 0; px < item; px++)
                    {
                        var at = (i * item) + px;
                        var grad = 0f;
                        for (var k = 0; k < copies; k++)
                        {
                            grad += gin[(k * b * item) + at]; // straight-through: ∂s(x)/∂x ≈ I
                        }

                        var v = x[at] + (alpha * MathF.Sign(grad));
                        v = Math.Clamp(v, clean[at] - epsilon, clean[at] + epsilon);
                        x[at] = Math.Clamp(v, 0f, 1f);
                    }
                }
            }

            x.CopyTo(result, s * item);
        }

        return result;
    }
}
