namespace NeuralSec.Detectors.Images;

/// <summary>scipy.ndimage <c>mode='reflect'</c> border handling (d c b a | a b c d | d c b a: the edge sample repeats),
/// which the Feature Squeezing and ART reference code use for the median filter.</summary>
internal static class ReflectIndex
{
    /// <summary>Index into [0, <paramref name="length"/>) that position <paramref name="index"/> reads from.</summary>
    public static int Map(int index, int length)
    {
        if (length == 1)
        {
            return 0;
        }

        // Reflection with the edge repeated has period 2·length; fold first so windows wider than the image still work.
        var period = 2 * length;
        var i = index % period;
        if (i < 0)
        {
            i += period;
        }

        return i < length ? i : period - 1 - i;
    }

    /// <summary>Copies <paramref name="plane"/> (height×width) into <paramref name="padded"/> with <paramref name="before"/>
    /// rows/columns of reflection in front and <paramref name="after"/> behind.</summary>
    public static void Pad(ReadOnlySpan<float> plane, int height, int width, int before, int after, Span<float> padded)
    {
        var paddedWidth = width + before + after;
        var paddedHeight = height + before + after;
        for (var py = 0; py < paddedHeight; py++)
        {
            var row = plane.Slice(Map(py - before, height) * width, width);
            var dst = padded.Slice(py * paddedWidth, paddedWidth);
            row.CopyTo(dst.Slice(before, width));
            for (var px = 0; px < before; px++)
            {
                dst[px] = row[Map(px - before, width)];
            }

            for (var px = before + width; px < paddedWidth; px++)
            {
                dst[px] = row[Map(px - before, width)];
            }
        }
    }
}
