using NeuralSec.Lab.Nn;

namespace NeuralSec.RedTeam.Attacks;

/// <summary>
/// A universal adversarial patch (Brown, Mané, Roy, Abadi, Gilmer 2017), the sticker of the threat model: one
/// <see cref="Size"/>×<see cref="Size"/> square of free pixels that, pasted anywhere on any digit, makes the classifier
/// answer <c>target</c>. Trained by Adam on the cross-entropy towards the target over random digits and random
/// positions (EOT over placement); pasted over the digit as an opaque sticker would be. 12×12 is 18% of the image;
/// measured on 270 test digits (seed 1, class 8): 8×8 reaches 14%, 10×10 33%, 12×12 55% (a random patch: the control
/// row of the red-team report).
/// </summary>
internal static class AdversarialPatch
{
    public const int Size = 12;
    public const int Steps = 400;
    public const int Batch = 64;
    private const int Side = 28;
    private const int Item = Side * Side;

    public static float[] Train(Network net, float[] digits, int target, int seed, int size = Size, int steps = Steps, float rate = 0.05f)
    {
        var random = new Random(seed);
        var n = digits.Length / Item;
        var patch = Enumerable.Range(0, size * size).Select(_ => (float)random.NextDouble()).ToArray();
        var (m, v) = (new float[patch.Length], new float[patch.Length]);
        for (var step = 1; step <= steps; step++)
        {
            var positions = new (int Row, int Col)[Batch];
            var x = new float[Batch * Item];
            for (var i = 0; i < Batch; i++)
            {
                digits.AsSpan(random.Next(n) * Item, Item).CopyTo(x.AsSpan(i * Item, Item));
                positions[i] = Place(random, size);
                Paste(x.AsSpan(i * Item, Item), patch, positions[i], size);
            }

            var g = WhiteBox.InputGradient(net, x, Batch, (_, z, grad) =>
            {
                // Cross-entropy towards the target: softmax − one-hot.
                var max = System.Numerics.Tensors.TensorPrimitives.Max(z);
                var sum = 0f;
                for (var j = 0; j < z.Length; j++)
                {
                    sum += grad[j] = MathF.Exp(z[j] - max);
                }

                for (var j = 0; j < z.Length; j++)
                {
                    grad[j] /= sum;
                }

                grad[target] -= 1f;
            });
            var patchGrad = new float[patch.Length];
            for (var i = 0; i < Batch; i++)
            {
                var (row, col) = positions[i];
                for (var r = 0; r < size; r++)
                {
                    for (var c = 0; c < size; c++)
                    {
                        patchGrad[(r * size) + c] += g[(i * Item) + ((row + r) * Side) + col + c];
                    }
                }
            }

            // Adam, projected back to [0, 1].
            for (var p = 0; p < patch.Length; p++)
            {
                m[p] = (0.9f * m[p]) + (0.1f * patchGrad[p]);
                v[p] = (0.999f * v[p]) + (0.001f * patchGrad[p] * patchGrad[p]);
                var step1 = m[p] / (1 - MathF.Pow(0.9f, step));
                var step2 = v[p] / (1 - MathF.Pow(0.999f, step));
                patch[p] = Math.Clamp(patch[p] - (rate * step1 / (MathF.Sqrt(step2) + 1e-8f)), 0f, 1f);
            }
        }

        return patch;
    }

    /// <summary>A random position where the whole patch fits.</summary>
    public static (int Row, int Col) Place(Random random, int size = Size) => (random.Next(Side - size + 1), random.Next(Side - size + 1));

    public static void Paste(Span<float> image, ReadOnlySpan<float> patch, (int Row, int Col) at, int size = Size)
    {
        for (var r = 0; r < size; r++)
        {
            patch.Slice(r * size, size).CopyTo(image.Slice(((at.Row + r) * Side) + at.Col, size));
        }
    }
}
