namespace NeuralSec.Lab.Nn;

/// <summary>Batch-mean losses returning the loss and writing dLoss/dInput.</summary>
public static class Losses
{
    /// <summary>
    /// Cross-entropy of softmax(z/T) against hard labels (<paramref name="soft"/> null) or soft targets [N,K].
    /// The gradient is the exact derivative of the returned mean, including the 1/T factor.
    /// </summary>
    public static float SoftmaxCrossEntropy(Tensor logits, ReadOnlySpan<byte> labels, float[]? soft, float temperature, Tensor grad)
    {
        var n = logits.Batch;
        var k = logits.ItemSize;
        var total = 0.0;
        var p = new float[k];
        for (var i = 0; i < n; i++)
        {
            var z = logits.Item(i);
            Softmax(z, p, temperature);
            var g = grad.Item(i);
            for (var j = 0; j < k; j++)
            {
                var target = soft is null ? (j == labels[i] ? 1f : 0f) : soft[i * k + j];
                if (target > 0f)
                {
                    total -= target * Math.Log(Math.Max(p[j], 1e-30f));
                }

                g[j] = (p[j] - target) / (temperature * n);
            }
        }

        return (float)(total / n);
    }

    /// <summary>
    /// Carlini–Wagner margin on logits: max_{j≠y} z_j − z_y (untargeted; ascend it) or
    /// max_{j≠t} z_j − z_t (targeted; descend it). Works on raw logits, so a saturated softmax cannot hide the gradient.
    /// </summary>
    public static float Margin(Tensor logits, ReadOnlySpan<byte> classes, Tensor grad)
    {
        var n = logits.Batch;
        var k = logits.ItemSize;
        var total = 0.0;
        Array.Clear(grad.Data);
        for (var i = 0; i < n; i++)
        {
            var z = logits.Item(i);
            var y = classes[i];
            var best = y == 0 ? 1 : 0;
            for (var j = 0; j < k; j++)
            {
                if (j != y && z[j] > z[best])
                {
                    best = j;
                }
            }

            total += z[best] - z[y];
            var g = grad.Item(i);
            g[best] = 1f / n;
            g[y] = -1f / n;
        }

        return (float)(total / n);
    }

    public static float MeanSquaredError(Tensor output, ReadOnlySpan<float> target, Tensor grad)
    {
        var y = output.Data;
        var total = 0.0;
        var scale = 2f / y.Length;
        for (var i = 0; i < y.Length; i++)
        {
            var d = y[i] - target[i];
            total += d * d;
            grad.Data[i] = scale * d;
        }

        return (float)(total / y.Length);
    }

    public static void Softmax(ReadOnlySpan<float> z, Span<float> p, float temperature = 1f)
    {
        var max = float.NegativeInfinity;
        foreach (var v in z)
        {
            max = MathF.Max(max, v);
        }

        var sum = 0f;
        for (var j = 0; j < z.Length; j++)
        {
            p[j] = MathF.Exp((z[j] - max) / temperature);
            sum += p[j];
        }

        for (var j = 0; j < z.Length; j++)
        {
            p[j] /= sum;
        }
    }
}
