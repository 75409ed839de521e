using NeuralSec.Detectors.Images;

namespace NeuralSec.Gateway.Calibration;

/// <summary>Images read for calibration, in NCHW order as the files store them.</summary>
/// <param name="Description">The file (and split/range) for the report.</param>
/// <param name="PixelUnits">True for [0, 1] pixels (uint8 sets, the MNIST fixture); false for values already scaled
/// as the model takes them (float32 sets).</param>
internal sealed record CalibrationImages(string Description, ImageBatch Images, bool PixelUnits)
{
    /// <summary>The images as the model's image input takes them: its layout, its range and normalisation.</summary>
    /// <exception cref="CalibrationException">The images' channels or size are not the input's.</exception>
    public ImageBatch ToModelInput(ImageLayout layout, ImageScaling scaling, long[] inputShape)
    {
        var (c, h, w) = layout == ImageLayout.Nchw ? (inputShape[1], inputShape[2], inputShape[3]) : (inputShape[3], inputShape[1], inputShape[2]);
        if ((c >= 0 && c != Images.Channels) || (h >= 0 && h != Images.Height) || (w >= 0 && w != Images.Width))
        {
            throw new CalibrationException($"{Description} holds {Images.Channels}×{Images.Height}×{Images.Width} images; the model's image input takes {Dim(c)}×{Dim(h)}×{Dim(w)}");
        }

        if (scaling.CheckChannels(Images.Channels) is { } scalingError)
        {
            throw new CalibrationException($"the policy's image scaling does not fit {Description}: {scalingError}");
        }

        var source = Images.Span;
        var result = new float[source.Length];
        var (channels, plane, size) = (Images.Channels, Images.PlaneSize, Images.ImageSize);
        for (var ch = 0; ch < channels; ch++)
        {
            // pixel p → raw v = min + p·(max − min) → model x = (v − mean) / std; model values are copied as they are.
            var mean = scaling.Mean[scaling.Mean.Count == 1 ? 0 : ch];
            var std = scaling.Std[scaling.Std.Count == 1 ? 0 : ch];
            var (scale, offset) = PixelUnits
                ? ((float)((scaling.Max - scaling.Min) / std), (float)((scaling.Min - mean) / std))
                : (1f, 0f);
            for (var n = 0; n < Images.Count; n++)
            {
                for (var p = 0; p < plane; p++)
                {
                    var target = layout == ImageLayout.Nchw ? (n * size) + (ch * plane) + p : (n * size) + (p * channels) + ch;
                    result[target] = (source[(n * size) + (ch * plane) + p] * scale) + offset;
                }
            }
        }

        return new ImageBatch(result, Images.Count, channels, Images.Height, Images.Width, layout, scaling);
    }

    private static string Dim(long d) => d < 0 ? "any" : d.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
