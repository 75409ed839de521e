namespace NeuralSec.Detectors.Detection.Statistics;

/// <summary>Names and computation of <see cref="ImageFeature"/>s over one image's pixel-unit planes.</summary>
internal static class ImageFeatures
{
    public static IReadOnlyList<string> Names { get; } = ["mean", "std", "midGrey", "totalVariation", "outOfRange"];

    public static ImageFeature Parse(string name) => name switch
    {
        "mean" => ImageFeature.Mean,
        "std" => ImageFeature.Std,
        "midGrey" => ImageFeature.MidGrey,
        "totalVariation" => ImageFeature.TotalVariation,
        "outOfRange" => ImageFeature.OutOfRange,
        _ => throw new ArgumentException($"unknown image statistic '{name}'", nameof(name)),
    };

    /// <param name="image">C planes of height×width, pixel units.</param>
    public static double Compute(ImageFeature feature, ReadOnlySpan<float> image, int channels, int height, int width, double greyLow, double greyHigh)
    {
        switch (feature)
        {
            case ImageFeature.Mean:
                return Sum(image) / image.Length;
            case ImageFeature.Std:
            {
                var mean = Sum(image) / image.Length;
                double squares = 0;
                foreach (var v in image)
                {
                    squares += (v - mean) * (v - mean);
                }

                return Math.Sqrt(squares / image.Length);
            }

            case ImageFeature.MidGrey:
            {
                var inside = 0;
                foreach (var v in image)
                {
                    inside += v > greyLow && v < greyHigh ? 1 : 0;
                }

                return (double)inside / image.Length;
            }

            case ImageFeature.TotalVariation:
                return TotalVariation(image, channels, height, width);
            case ImageFeature.OutOfRange:
            {
                const float tolerance = 1e-6f;
                var outside = 0;
                foreach (var v in image)
                {
                    outside += v < -tolerance || v > 1 + tolerance ? 1 : 0;
                }

                return (double)outside / image.Length;
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(feature), feature, null);
        }
    }

    private static double Sum(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (var v in values)
        {
            sum += v;
        }

        return sum;
    }

    private static double TotalVariation(ReadOnlySpan<float> image, int channels, int height, int width)
    {
        double horizontal = 0, vertical = 0;
        var plane = height * width;
        for (var c = 0; c < channels; c++)
        {
            var p = image.Slice(c * plane, plane);
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    var v = p[(y * width) + x];
                    if (x + 1 < width)
                    {
                        horizontal += Math.Abs(p[(y * width) + x + 1] - v);
                    }

                    if (y + 1 < height)
                    {
                        vertical += Math.Abs(p[((y + 1) * width) + x] - v);
                    }
                }
            }
        }

        var h = width > 1 ? horizontal / (channels * height * (width - 1)) : 0;
        var w = height > 1 ? vertical / (channels * (height - 1) * width) : 0;
        return h + w;
    }
}
