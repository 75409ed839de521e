using NeuralSec.Lab.Nn;

namespace NeuralSec.RedTeam.Attacks;

/// <summary>
/// Expectation over Transformation (Athalye, Engstrom, Ilyas, Kwok, ICML 2018): L∞ PGD on the classifier's CW margin
/// averaged over <see cref="Samples"/> random <see cref="PhysicalTransform"/>s per step, so the perturbation survives
/// the rotation, scale, shift and brightness a camera adds. Exact gradients through the (linear) transform.
/// </summary>
internal static class EotPgd
{
    public const int Samples = 8;
    public const int Steps = 60;
    private const int Item = AdversarialBatch.Pixels;

    public static float[] Run(Network net, float[] images, byte[] labels, float epsilon, int seed)
    {
        var random = new Random(seed);
        var b = labels.Length;
        var x = (float[])images.Clone();
        var alpha = 2.5f * epsilon / Steps;
        for (var step = 0; step < Steps; step++)
        {
            var transforms = Enumerable.Range(0, b * Samples).Select(_ => PhysicalTransform.Draw(random)).ToArray();
            var views = new float[b * Samples * Item];
            for (var k = 0; k < transforms.Length; k++)
            {
                transforms[k].Apply(x.AsSpan((k / Samples) * Item, Item)).CopyTo(views, k * Item);
            }

            var g = WhiteBox.InputGradient(net, views, b * Samples, (k, z, grad) =>
            {
                var y = labels[k / Samples];
                var other = WhiteBox.RunnerUp(z, y);
                grad[y] = -1f;
                grad[other] = 1f;
            });
            var total = new float[x.Length];
            var back = new float[Item];
            for (var k = 0; k < transforms.Length; k++)
            {
                transforms[k].Backward(g.AsSpan(k * Item, Item), back);
                var target = total.AsSpan((k / Samples) * Item, Item);
                System.Numerics.Tensors.TensorPrimitives.Add(target, back, target);
            }

            for (var p = 0; p < x.Length; p++)
            {
                var moved = x[p] + (alpha * MathF.Sign(total[p]));
                x[p] = Math.Clamp(Math.Clamp(moved, images[p] - epsilon, images[p] + epsilon), 0f, 1f);
            }
        }

        return x;
    }
}
