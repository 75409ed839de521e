using System.Buffers;
using System.Numerics.Tensors;
using NeuralSec.Detectors.Images;

namespace NeuralSec.Detectors.Preprocessing.NonLocalMeans;

/// <summary>
/// Non-local means on one plane (Buades et al.; the filter behind Xu et al.'s <c>non_local_means_color_13_3_2</c> squeezer):
/// each pixel becomes the average of the pixels in its search window, weighted by <c>exp(−d²/h²)</c> where d² is the mean
/// squared difference of the block×block patches around the two pixels. For each of the search offsets the patch distances of
/// all pixels come from one integral image, so the cost is O(search² · pixels) whatever the block size.
/// </summary>
internal static class NonLocalMeansFilter
{
    public static void Apply(Span<float> plane, int height, int width, NonLocalMeansOptions options)
    {
        int s = options.SearchWindow / 2, b = options.BlockSize / 2, margin = s + b;
        int paddedWidth = width + (2 * margin), paddedHeight = height + (2 * margin);
        int diffWidth = width + (2 * b), diffHeight = height + (2 * b);
        var h = options.Strength / 255.0;
        var scale = (float)(-1.0 / (options.BlockSize * options.BlockSize * h * h));
        var pixels = height * width;

        var floats = ArrayPool<float>.Shared.Rent((paddedWidth * paddedHeight) + (3 * pixels));
        var integralLength = (diffWidth + 1) * (diffHeight + 1);
        var doubles = ArrayPool<double>.Shared.Rent(integralLength);
        try
        {
            var padded = floats.AsSpan(0, paddedWidth * paddedHeight);
            var sum = floats.AsSpan(padded.Length, pixels);
            var weightSum = floats.AsSpan(padded.Length + pixels, pixels);
            var weights = floats.AsSpan(padded.Length + (2 * pixels), pixels);
            var integral = doubles.AsSpan(0, integralLength);
            ReflectIndex.Pad(plane, height, width, margin, margin, padded);
            sum.Clear();
            weightSum.Clear();
            integral[..(diffWidth + 1)].Clear();

            for (var dy = -s; dy <= s; dy++)
            {
                for (var dx = -s; dx <= s; dx++)
                {
                    // Integral image of squared differences between the image and its (dy, dx) shift, over every pixel a
                    // patch of an output pixel can touch. Doubles: sums of many small squares lose too much in floats.
                    for (var v = 0; v < diffHeight; v++)
                    {
                        var a = padded.Slice(((v + s) * paddedWidth) + s, diffWidth);
                        var bRow = padded.Slice(((v + s + dy) * paddedWidth) + s + dx, diffWidth);
                        var above = integral.Slice(v * (diffWidth + 1), diffWidth + 1);
                        var row = integral.Slice((v + 1) * (diffWidth + 1), diffWidth + 1);
                        row[0] = 0;
                        double running = 0;
                        for (var u = 0; u < diffWidth; u++)
                        {
                            var d = a[u] - bRow[u];
                            running += d * d;
                            row[u + 1] = above[u + 1] + running;
                        }
                    }

                    for (var y = 0; y < height; y++)
                    {
                        var top = integral.Slice(y * (diffWidth + 1), diffWidth + 1);
                        var bottom = integral.Slice((y + options.BlockSize) * (diffWidth + 1), diffWidth + 1);
                        var w = weights.Slice(y * width, width);
                        for (var x = 0; x < width; x++)
                        {
                            var patch = bottom[x + options.BlockSize] - bottom[x] - top[x + options.BlockSize] + top[x];
                            w[x] = (float)Math.Max(patch, 0) * scale;
                        }

                        TensorPrimitives.Exp(w, w);
                        var neighbour = padded.Slice(((y + margin + dy) * paddedWidth) + margin + dx, width);
                        TensorPrimitives.MultiplyAdd(neighbour, w, sum.Slice(y * width, width), sum.Slice(y * width, width));
                        TensorPrimitives.Add(weightSum.Slice(y * width, width), w, weightSum.Slice(y * width, width));
                    }
                }
            }

            // The zero offset gives every pixel weight 1, so the divisor is never below 1.
            TensorPrimitives.Divide(sum, weightSum, plane);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(floats);
            ArrayPool<double>.Shared.Return(doubles);
        }
    }
}
