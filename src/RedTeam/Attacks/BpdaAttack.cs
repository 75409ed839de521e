using NeuralSec.Lab.Attacks;
using NeuralSec.Lab.Nn;

namespace NeuralSec.RedTeam.Attacks;

/// <summary>
/// The adaptive attacker against a purification chain g (Athalye et al. 2018): BPDA — forward through g, take the exact
/// gradient of the model at g(x) and use it as the gradient at x (straight-through, ∂g/∂x ≈ I; bit depth, median and JPEG
/// have zero or undefined gradients of their own) — with EOT for randomized chains: the step follows the sign of the mean
/// gradient over <c>eotSamples</c> fresh draws of g. Where g is a random pixel selection (nearest resize-and-pad) the identity
/// would point the gradient at the wrong pixels, so its exact gradient is used instead: each output pixel's gradient goes back
/// to the input pixel it was copied from. FGSM/PGD otherwise exactly as the lab's (same ε ball, α, random start).
/// </summary>
internal static class BpdaAttack
{
    public static float[] Perturb(Network net, PurificationChain chain, float[] images, byte[] labels, byte[]? targets, AttackOptions o, int eotSamples)
    {
        const int item = AdversarialBatch.Pixels;
        var n = images.Length / item;
        var samples = chain.IsRandomized ? Math.Max(1, eotSamples) : 1;
        var result = new float[images.Length];
        var rng = new Random(o.Seed);
        var sign = targets is null ? 1f : -1f;
        for (var s = 0; s < n; s += o.BatchSize)
        {
            var b = Math.Min(o.BatchSize, n - s);
            var clean = images.AsSpan(s * item, b * item);
            var cls = (targets ?? labels).AsSpan(s, b).ToArray();
            var x = new float[b * item];
            for (var i = 0; i < x.Length; i++)
            {
                var start = o.RandomStart ? clean[i] + (o.Epsilon * ((2f * (float)rng.NextDouble()) - 1f)) : clean[i];
                x[i] = Math.Clamp(start, 0f, 1f);
            }

            var grad = new float[x.Length];
            for (var step = 0; step < o.Steps; step++)
            {
                Array.Clear(grad);
                for (var e = 0; e < samples; e++)
                {
                    var drawSeed = rng.Next();
                    var purified = chain.Apply(x, new Random(drawSeed));
                    var (_, g) = InputGradient.Compute(net, new Tensor(Tensor.WithBatch(b, net.InputShape), purified), cls, o.Loss, o.Temperature);
                    if (chain.IsPixelSelection)
                    {
                        ScatterToSources(g, chain.SelectionMap(b, new Random(drawSeed)), grad);
                    }
                    else
                    {
                        System.Numerics.Tensors.TensorPrimitives.Add(grad, g, grad);
                    }
                }

                for (var i = 0; i < x.Length; i++)
                {
                    var v = x[i] + (sign * o.Alpha * MathF.Sign(grad[i]));
                    v = Math.Clamp(v, clean[i] - o.Epsilon, clean[i] + o.Epsilon);
                    x[i] = Math.Clamp(v, 0f, 1f);
                }
            }

            x.CopyTo(result, s * item);
        }

        return result;
    }

    /// <summary>Adds the gradient at each output pixel to the input pixel it was copied from (the selection's transpose).</summary>
    private static void ScatterToSources(float[] outputGradient, int[] map, float[] inputGradient)
    {
        const int item = AdversarialBatch.Pixels;
        for (var i = 0; i < map.Length; i++)
        {
            if (map[i] >= 0)
            {
                inputGradient[((i / item) * item) + map[i]] += outputGradient[i];
            }
        }
    }
}
