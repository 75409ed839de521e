using NeuralSec.Lab.Nn;

namespace NeuralSec.RedTeam.Attacks;

/// <summary>
/// Carlini &amp; Wagner's L2 attack (S&amp;P 2017; carlini/nn_robust_attacks l2_attack.py), untargeted: in tanh space
/// x = (tanh w + 1)/2, Adam minimises ‖x − x₀‖² + c·max(Z_y − max_{i≠y} Z_i, −κ), with a binary search on c per image
/// (halve on success, else grow ×10 until a success, then bisect). Keeps each image's smallest-L2 success; an image
/// never fooled is returned unchanged. Fewer iterations than the original (10,000) to fit the CPU; κ = 0.
/// </summary>
internal static class CarliniWagnerL2
{
    public const int BinarySteps = 6;
    public const int Iterations = 100;
    public const float LearningRate = 0.1f;
    public const float InitialConstant = 1f;
    private const int Item = AdversarialBatch.Pixels;

    public static float[] Run(Network net, float[] images, byte[] labels, float confidence = 0f)
    {
        var b = labels.Length;
        var best = (float[])images.Clone();
        var bestL2 = Enumerable.Repeat(double.PositiveInfinity, b).ToArray();
        var c = Enumerable.Repeat((double)InitialConstant, b).ToArray();
        var lower = new double[b];
        var upper = Enumerable.Repeat(1e10, b).ToArray();
        var w0 = images.Select(v => Atanh((2 * Math.Clamp(v, 0f, 1f)) - 1)).ToArray();
        for (var search = 0; search < BinarySteps; search++)
        {
            var w = (float[])w0.Clone();
            var m = new float[w.Length];
            var v = new float[w.Length];
            var succeeded = new bool[b];
            for (var t = 1; t <= Iterations; t++)
            {
                var x = w.Select(Tanh01).ToArray();
                var predicted = new int[b];
                var gx = WhiteBox.InputGradient(net, x, b, (i, z, g) =>
                {
                    predicted[i] = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(z);
                    var y = labels[i];
                    var other = WhiteBox.RunnerUp(z, y);
                    if (z[y] - z[other] > -confidence)
                    {
                        g[y] = (float)c[i];
                        g[other] = -(float)c[i];
                    }
                });
                for (var i = 0; i < b; i++)
                {
                    var l2 = 0.0;
                    for (var p = i * Item; p < (i + 1) * Item; p++)
                    {
                        var d = x[p] - images[p];
                        l2 += d * d;
                    }

                    if (predicted[i] != labels[i])
                    {
                        succeeded[i] = true;
                        if (l2 < bestL2[i])
                        {
                            bestL2[i] = l2;
                            Array.Copy(x, i * Item, best, i * Item, Item);
                        }
                    }
                }

                // Adam on w: d/dw of ‖x − x₀‖² + c·f(x) with dx/dw = (1 − tanh² w)/2.
                const float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;
                var correction1 = 1 - MathF.Pow(beta1, t);
                var correction2 = 1 - MathF.Pow(beta2, t);
                for (var p = 0; p < w.Length; p++)
                {
                    var th = MathF.Tanh(w[p]);
                    var grad = ((2 * (x[p] - images[p])) + gx[p]) * (1 - (th * th)) / 2;
                    m[p] = (beta1 * m[p]) + ((1 - beta1) * grad);
                    v[p] = (beta2 * v[p]) + ((1 - beta2) * grad * grad);
                    w[p] -= LearningRate * (m[p] / correction1) / (MathF.Sqrt(v[p] / correction2) + eps);
                }
            }

            for (var i = 0; i < b; i++)
            {
                if (succeeded[i])
                {
                    upper[i] = Math.Min(upper[i], c[i]);
                    c[i] = (lower[i] + upper[i]) / 2;
                }
                else
                {
                    lower[i] = Math.Max(lower[i], c[i]);
                    c[i] = upper[i] < 1e9 ? (lower[i] + upper[i]) / 2 : c[i] * 10;
                }
            }
        }

        return best;
    }

    private static float Tanh01(float w) => (MathF.Tanh(w) + 1) / 2;

    // Kept a little inside (−1, 1) so a saturated pixel is still reachable by a finite w.
    private static float Atanh(float y) => MathF.Atanh(Math.Clamp(y, -0.999999f, 0.999999f));
}
