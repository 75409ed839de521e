using System.Collections.Concurrent;

namespace NeuralSec.Detectors.Stream;

/// <summary>
/// A seeded Gaussian random projection R (k × d, entries N(0, 1/k)) so that ‖Rx − Ry‖ ≈ ‖x − y‖ (Johnson–Lindenstrauss): PRADA's
/// L2 distances on k numbers per stored query instead of d. The seed is a constant and the generator fully specified, so every
/// replica projects alike and a state written by one is read by another. One matrix per input length, cached (a model's
/// input length is fixed; the bound only stops odd inputs growing the cache).
/// </summary>
internal sealed class GaussianSketch(int dimensions)
{
    private const ulong Seed = 0x5052_4144_4131_0001UL; // "PRADA1", version 1
    private const int MaxCachedLengths = 4;

    private readonly ConcurrentDictionary<int, float[]> _matrices = new();

    public int Dimensions { get; } = dimensions;

    public void Project(ReadOnlySpan<float> input, Span<float> destination)
    {
        var matrix = Matrix(input.Length);
        for (var r = 0; r < Dimensions; r++)
        {
            destination[r] = System.Numerics.Tensors.TensorPrimitives.Dot(matrix.AsSpan(r * input.Length, input.Length), input);
        }
    }

    private float[] Matrix(int length)
    {
        if (_matrices.TryGetValue(length, out var cached))
        {
            return cached;
        }

        var random = new SplitMix64(Seed ^ ((ulong)length << 20) ^ (ulong)Dimensions);
        var scale = 1 / Math.Sqrt(Dimensions);
        var matrix = new float[Dimensions * length];
        for (var i = 0; i < matrix.Length; i++)
        {
            matrix[i] = (float)(random.NextGaussian() * scale);
        }

        if (_matrices.Count < MaxCachedLengths)
        {
            _matrices.TryAdd(length, matrix);
        }

        return matrix;
    }
}
