using NeuralSec.Lab.Nn;

namespace NeuralSec.Lab.Attacks;

/// <summary>
/// L∞ projected gradient descent (BIM with optional uniform random start), untargeted or targeted,
/// on images in [0,1]. With one step of size ε and no random start it is exactly FGSM.
/// </summary>
public static class Pgd
{
    /// <param name="targets">Null for untargeted (push away from <paramref name="labels"/>); else the class to reach.</param>
    public static float[] Perturb(Network net, float[] images, byte[] labels, byte[]? targets, AttackOptions o)
    {
        var item = Tensor.Volume(net.InputShape);
        var n = images.Length / item;
        var result = new float[images.Length];
        var rng = new Random(o.Seed);
        for (var s = 0; s < n; s += o.BatchSize)
        {
            var b = Math.Min(o.BatchSize, n - s);
            var clean = images.AsSpan(s * item, b * item);
            var cls = (targets ?? labels).AsSpan(s, b).ToArray();
            var sign = targets is null ? 1f : -1f;
            var x = new Tensor(Tensor.WithBatch(b, net.InputShape));
            var xs = x.Data;
            for (var i = 0; i < xs.Length; i++)
            {
                var start = o.RandomStart ? clean[i] + o.Epsilon * (2f * (float)rng.NextDouble() - 1f) : clean[i];
                xs[i] = Math.Clamp(start, 0f, 1f);
            }

            for (var step = 0; step < o.Steps; step++)
            {
                var (_, grad) = InputGradient.Compute(net, x, cls, o.Loss, o.Temperature);
                for (var i = 0; i < xs.Length; i++)
                {
                    var v = xs[i] + sign * o.Alpha * MathF.Sign(grad[i]);
                    v = Math.Clamp(v, clean[i] - o.Epsilon, clean[i] + o.Epsilon);
                    xs[i] = Math.Clamp(v, 0f, 1f);
                }
            }

            xs.CopyTo(result, s * item);
        }

        return result;
    }
}
