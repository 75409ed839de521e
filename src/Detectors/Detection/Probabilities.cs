using System.Numerics.Tensors;

namespace NeuralSec.Detectors.Detection;

/// <summary>Softmax and the distances detectors compare probability vectors with.</summary>
public static class Probabilities
{
    /// <summary>Number of classes in a classifier's output for <paramref name="images"/> images.</summary>
    /// <exception cref="InvalidOperationException">The output is not [images, classes].</exception>
    public static int Classes(float[] output, int images, string model)
    {
        if (images <= 0 || output.Length == 0 || output.Length % images != 0)
        {
            throw new InvalidOperationException($"{model} returned {output.Length} values for {images} image(s); expected [N, classes]");
        }

        return output.Length / images;
    }

    /// <summary>Softmax of every row of <paramref name="logits"/> (row length <paramref name="classes"/>) at temperature
    /// <paramref name="temperature"/>, in place; max-subtracted so large logits cannot overflow.</summary>
    public static void SoftmaxRows(Span<float> logits, int classes, float temperature = 1f)
    {
        for (var offset = 0; offset < logits.Length; offset += classes)
        {
            var row = logits.Slice(offset, classes);
            if (temperature != 1f)
            {
                TensorPrimitives.Divide(row, temperature, row);
            }

            var max = TensorPrimitives.Max(row);
            TensorPrimitives.Subtract(row, max, row);
            TensorPrimitives.Exp(row, row);
            TensorPrimitives.Divide(row, TensorPrimitives.Sum(row), row);
        }
    }

    public static double L1(ReadOnlySpan<float> p, ReadOnlySpan<float> q)
    {
        double sum = 0;
        for (var i = 0; i < p.Length; i++)
        {
            sum += Math.Abs((double)p[i] - q[i]);
        }

        return sum;
    }

    /// <summary>Shannon entropy in bits; 0·log 0 = 0.</summary>
    public static double EntropyBits(ReadOnlySpan<float> p)
    {
        double sum = 0;
        foreach (var v in p)
        {
            if (v > 0)
            {
                sum -= v * Math.Log2(v);
            }
        }

        return sum;
    }

    /// <summary>Jensen–Shannon divergence in nats: ½KL(P‖M) + ½KL(Q‖M), M = (P+Q)/2; in [0, ln 2].</summary>
    public static double JensenShannon(ReadOnlySpan<float> p, ReadOnlySpan<float> q)
    {
        double sum = 0;
        for (var i = 0; i < p.Length; i++)
        {
            double a = p[i], b = q[i], m = (a + b) / 2;
            if (a > 0)
            {
                sum += 0.5 * a * Math.Log(a / m);
            }

            if (b > 0)
            {
                sum += 0.5 * b * Math.Log(b / m);
            }
        }

        return Math.Max(sum, 0);
    }
}
