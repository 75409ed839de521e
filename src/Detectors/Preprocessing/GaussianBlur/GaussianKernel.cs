using System.Buffers;
using System.Numerics.Tensors;
using NeuralSec.Detectors.Images;

namespace NeuralSec.Detectors.Preprocessing.GaussianBlur;

/// <summary>
/// scipy.ndimage.gaussian_filter on one plane: separable, truncated at 4σ (radius = ⌊4σ + 0.5⌋), weights normalised to sum 1,
/// <c>mode='reflect'</c> borders. Each pass is a sum of shifted rows scaled by one weight, so it vectorises row by row.
/// </summary>
internal sealed class GaussianKernel
{
    private const double Truncate = 4.0;

    public GaussianKernel(double sigma)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sigma);
        Radius = (int)((Truncate * sigma) + 0.5);
        var weights = new float[(2 * Radius) + 1];
        double sum = 0;
        for (var i = -Radius; i <= Radius; i++)
        {
            var w = Math.Exp(-0.5 * i * i / (sigma * sigma));
            weights[i + Radius] = (float)w;
            sum += w;
        }

        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)(weights[i] / sum);
        }

        Weights = weights;
    }

    public int Radius { get; }

    /// <summary>Weights for offsets −Radius … +Radius; they sum to 1.</summary>
    public IReadOnlyList<float> Weights { get; }

    public void Apply(Span<float> plane, int height, int width)
    {
        var weights = (float[])Weights;
        var paddedWidth = width + (2 * Radius);
        var rented = ArrayPool<float>.Shared.Rent((height * width) + paddedWidth);
        try
        {
            var rows = rented.AsSpan(0, height * width);
            var padded = rented.AsSpan(height * width, paddedWidth);

            // Horizontal pass: plane → rows.
            for (var y = 0; y < height; y++)
            {
                var source = plane.Slice(y * width, width);
                source.CopyTo(padded.Slice(Radius, width));
                for (var k = 0; k < Radius; k++)
                {
                    padded[k] = source[ReflectIndex.Map(k - Radius, width)];
                    padded[Radius + width + k] = source[ReflectIndex.Map(width + k, width)];
                }

                var target = rows.Slice(y * width, width);
                target.Clear();
                for (var k = 0; k < weights.Length; k++)
                {
                    TensorPrimitives.MultiplyAdd(padded.Slice(k, width), weights[k], target, target);
                }
            }

            // Vertical pass: rows → plane.
            for (var y = 0; y < height; y++)
            {
                var target = plane.Slice(y * width, width);
                target.Clear();
                for (var k = 0; k < weights.Length; k++)
                {
                    var source = rows.Slice(ReflectIndex.Map(y + k - Radius, height) * width, width);
                    TensorPrimitives.MultiplyAdd(source, weights[k], target, target);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }
}
