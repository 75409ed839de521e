using System.Buffers;
using System.Numerics;

namespace NeuralSec.Detectors.Preprocessing.Median;

/// <summary>
/// scipy.ndimage.median_filter on one plane, bit for bit: <c>mode='reflect'</c>; the window spans offsets
/// −size/2 … size−1−size/2, so an even window has its pixel at the lower-right (it covers up/left neighbours); the result is
/// the element of rank size²/2 of the sorted window — for an even count the upper of the two middle values, not their mean.
/// </summary>
internal static class MedianFilter
{
    public const int MaxSize = 9;

    public static void Apply(Span<float> plane, int height, int width, int size)
    {
        if (size == 1)
        {
            return;
        }

        int before = size / 2, after = size - 1 - before;
        int paddedWidth = width + size - 1, paddedLength = paddedWidth * (height + size - 1);
        var rented = ArrayPool<float>.Shared.Rent(paddedLength);
        try
        {
            var padded = rented.AsSpan(0, paddedLength);
            Images.ReflectIndex.Pad(plane, height, width, before, after, padded);
            Filter(padded, paddedWidth, plane, height, width, size);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    private static void Filter(ReadOnlySpan<float> padded, int paddedWidth, Span<float> output, int height, int width, int size)
    {
        int count = size * size, rank = count / 2, lanes = Vector<float>.Count;
        Span<Vector<float>> sortedLanes = stackalloc Vector<float>[MaxSize * MaxSize];
        Span<float> sorted = stackalloc float[MaxSize * MaxSize];
        for (var y = 0; y < height; y++)
        {
            var outputRow = output.Slice(y * width, width);
            var x = 0;

            // Lanes of adjacent output pixels sort their windows side by side: one min/max per element pair, no branches.
            for (; x + lanes <= width; x += lanes)
            {
                var filled = 0;
                for (var dy = 0; dy < size; dy++)
                {
                    var row = padded.Slice(((y + dy) * paddedWidth) + x);
                    for (var dx = 0; dx < size; dx++)
                    {
                        var value = new Vector<float>(row.Slice(dx));
                        for (var j = 0; j < filled; j++)
                        {
                            var low = Vector.Min(sortedLanes[j], value);
                            value = Vector.Max(sortedLanes[j], value);
                            sortedLanes[j] = low;
                        }

                        sortedLanes[filled++] = value;
                    }
                }

                sortedLanes[rank].CopyTo(outputRow.Slice(x));
            }

            for (; x < width; x++)
            {
                var filled = 0;
                for (var dy = 0; dy < size; dy++)
                {
                    var row = padded.Slice(((y + dy) * paddedWidth) + x, size);
                    for (var dx = 0; dx < size; dx++)
                    {
                        var value = row[dx];
                        for (var j = 0; j < filled; j++)
                        {
                            var low = MathF.Min(sorted[j], value);
                            value = MathF.Max(sorted[j], value);
                            sorted[j] = low;
                        }

                        sorted[filled++] = value;
                    }
                }

                outputRow[x] = sorted[rank];
            }
        }
    }
}
