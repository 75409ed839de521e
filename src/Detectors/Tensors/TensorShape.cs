namespace NeuralSec.Detectors.Tensors;

/// <summary>Shape arithmetic that never overflows silently: tensor sizes come from callers and must be checked
/// before anything is allocated from them.</summary>
public static class TensorShape
{
    /// <summary>Element count of a concrete shape, or <c>null</c> when a dimension is negative or the product
    /// exceeds <paramref name="limit"/>.</summary>
    public static long? TryElementCount(ReadOnlySpan<long> shape, long limit = long.MaxValue)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                return null;
            }

            if (dim == 0)
            {
                return 0;
            }

            if (count > limit / dim)
            {
                return null;
            }

            count *= dim;
        }

        return count <= limit ? count : null;
    }

    /// <summary>True when <paramref name="shape"/> matches <paramref name="pattern"/>, where -1 in the pattern
    /// accepts any size.</summary>
    public static bool Matches(ReadOnlySpan<long> shape, ReadOnlySpan<long> pattern)
    {
        if (shape.Length != pattern.Length)
        {
            return false;
        }

        for (var i = 0; i < shape.Length; i++)
        {
            if (pattern[i] >= 0 && pattern[i] != shape[i])
            {
                return false;
            }
        }

        return true;
    }

    public static string Format(ReadOnlySpan<long> shape) => "[" + string.Join(",", shape.ToArray()) + "]";
}
