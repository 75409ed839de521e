using System.Numerics.Tensors;

namespace NeuralSec.Detectors.Images;

/// <summary>
/// Conversions between a batch's own layout and scaling and the canonical form every image kernel works on: NCHW planes in
/// pixel units [0, 1]. Kernels written once for contiguous planes then serve NCHW and NHWC, raw and standardised inputs
/// alike — and random transforms draw the same numbers for the same image whatever its layout.
/// </summary>
internal static class PixelSpace
{
    /// <summary>True when the batch's memory already is canonical (NCHW or single-channel, pixel units).</summary>
    public static bool IsCanonical(ImageBatch batch) =>
        (batch.Layout == ImageLayout.Nchw || batch.Channels == 1) && batch.Scaling.IsIdentity;

    /// <summary>Writes the batch as NCHW pixel units into <paramref name="destination"/> (length N·C·H·W).</summary>
    public static void ToPixels(ImageBatch batch, Span<float> destination)
    {
        var source = batch.Span;
        int channels = batch.Channels, plane = batch.PlaneSize, image = batch.ImageSize;
        var planar = batch.Layout == ImageLayout.Nchw || channels == 1;
        for (var n = 0; n < batch.Count; n++)
        {
            var src = source.Slice(n * image, image);
            var dst = destination.Slice(n * image, image);
            for (var c = 0; c < channels; c++)
            {
                var (scale, offset) = batch.Scaling.ToPixel(c);
                var dstPlane = dst.Slice(c * plane, plane);
                if (planar)
                {
                    Affine(src.Slice(c * plane, plane), scale, offset, dstPlane);
                }
                else
                {
                    for (var i = 0; i < plane; i++)
                    {
                        dstPlane[i] = src[(i * channels) + c] * scale + offset;
                    }
                }
            }
        }
    }

    /// <summary>Writes NCHW pixel units back into the batch's own layout and scaling.</summary>
    public static void FromPixels(ReadOnlySpan<float> source, ImageBatch batch)
    {
        var destination = batch.Span;
        int channels = batch.Channels, plane = batch.PlaneSize, image = batch.ImageSize;
        var planar = batch.Layout == ImageLayout.Nchw || channels == 1;
        for (var n = 0; n < batch.Count; n++)
        {
            var src = source.Slice(n * image, image);
            var dst = destination.Slice(n * image, image);
            for (var c = 0; c < channels; c++)
            {
                var (scale, offset) = batch.Scaling.ToPixel(c);
                var inverseScale = 1f / scale;
                var inverseOffset = -offset / scale;
                var srcPlane = src.Slice(c * plane, plane);
                if (planar)
                {
                    Affine(srcPlane, inverseScale, inverseOffset, dst.Slice(c * plane, plane));
                }
                else
                {
                    for (var i = 0; i < plane; i++)
                    {
                        dst[(i * channels) + c] = srcPlane[i] * inverseScale + inverseOffset;
                    }
                }
            }
        }
    }

    /// <summary>Model value of pixel intensity <paramref name="pixel"/> in channel <paramref name="channel"/>.</summary>
    public static float ToModel(ImageScaling scaling, int channel, float pixel)
    {
        var (scale, offset) = scaling.ToPixel(channel);
        return (pixel - offset) / scale;
    }

    private static void Affine(ReadOnlySpan<float> source, float scale, float offset, Span<float> destination)
    {
        if (scale == 1f && offset == 0f)
        {
            source.CopyTo(destination);
        }
        else
        {
            TensorPrimitives.Multiply(source, scale, destination);
            TensorPrimitives.Add(destination, offset, destination);
        }
    }
}
