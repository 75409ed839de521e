namespace NeuralSec.Detectors.Images;

/// <summary>A whole-pixel translation of one image plane, in place: the random-shift preprocessor's move and the
/// near-duplicate fingerprint's centring.</summary>
internal static class PlaneShift
{
    /// <summary>output(y, x) = input(y − dy, x − dx), or <paramref name="pad"/> outside. In place: rows are visited in the
    /// order that never overwrites a row still to be read, and each row moves with an overlap-safe copy.</summary>
    public static void Apply(Span<float> plane, int height, int width, int dy, int dx, float pad)
    {
        if (Math.Abs(dy) >= height || Math.Abs(dx) >= width)
        {
            plane.Fill(pad);
            return;
        }

        var span = width - Math.Abs(dx);
        for (var i = 0; i < height; i++)
        {
            var y = dy >= 0 ? height - 1 - i : i;
            var target = plane.Slice(y * width, width);
            var sy = y - dy;
            if (sy < 0 || sy >= height)
            {
                target.Fill(pad);
                continue;
            }

            var source = plane.Slice((sy * width) + Math.Max(-dx, 0), span);
            source.CopyTo(target.Slice(Math.Max(dx, 0), span));
            target[..Math.Max(dx, 0)].Fill(pad);
            target[(Math.Max(dx, 0) + span)..].Fill(pad);
        }
    }
}
