namespace NeuralSec.Detectors.Stream;

/// <summary>
/// Where an image's ink is and how it lies, from its first and second moments (all channels together, values above
/// <see cref="FingerprintView.InkFloor"/>): the centre of mass, the tilt of the principal axis from vertical and the
/// spread. <see cref="Resample"/> maps the ink to a standard pose — centred, upright, of
/// <see cref="FingerprintView.StandardSpread"/> — which undoes a translation, a small rotation and a rescaling of one
/// image, the geometric part of an adaptive attacker's disguise.
/// </summary>
internal readonly record struct InkPose(double CentreX, double CentreY, double Cos, double Sin, double Scale, bool HasInk)
{
    private const double MinScale = 0.5;
    private const double MaxScale = 2;

    /// <summary>The pose of one image in canonical planes (channel after channel, row after row).</summary>
    public static InkPose Of(ReadOnlySpan<float> planes, int channels, int height, int width)
    {
        var m = InkMoments.Of(planes, channels, height, width);
        if (m.Mass == 0)
        {
            return new InkPose((width - 1) / 2.0, (height - 1) / 2.0, 1, 0, 1, HasInk: false);
        }

        // The principal axis' angle from the x axis (y points down), then its tilt from vertical, in (−90°, 90°].
        var axis = 0.5 * Math.Atan2(2 * m.Xy, m.Xx - m.Yy);
        var tilt = axis >= 0 ? axis - (Math.PI / 2) : axis + (Math.PI / 2);
        var half = (m.Xx + m.Yy) / 2;
        var spreadOfAxes = Math.Sqrt((((m.Xx - m.Yy) / 2) * ((m.Xx - m.Yy) / 2)) + (m.Xy * m.Xy));
        var (major, minor) = (half + spreadOfAxes, half - spreadOfAxes);
        var elongation = minor <= 0 ? double.PositiveInfinity : major / minor;
        var weight = Math.Clamp((elongation - FingerprintView.MinElongation) / FingerprintView.MinElongation, 0, 1);
        var maxTilt = FingerprintView.MaxTilt * Math.PI / 180;
        tilt = Math.Clamp(tilt, -maxTilt, maxTilt) * weight;

        var spread = Math.Sqrt(m.Xx + m.Yy);
        var scale = Math.Clamp(spread / (FingerprintView.StandardSpread * Math.Min(height, width)), MinScale, MaxScale);
        return new InkPose(m.X, m.Y, Math.Cos(tilt), Math.Sin(tilt), scale, HasInk: true);
    }

    /// <summary>One plane in the standard pose: output(x, y) = input(centre + scale · R(tilt) · ((x, y) − image centre)),
    /// bilinear, zero outside. An image with no ink is copied as it is.</summary>
    public void Resample(ReadOnlySpan<float> source, Span<float> target, int height, int width)
    {
        if (!HasInk)
        {
            source.CopyTo(target);
            return;
        }

        var (ox, oy) = ((width - 1) / 2.0, (height - 1) / 2.0);
        var (a, b) = (Scale * Cos, Scale * Sin);
        for (var y = 0; y < height; y++)
        {
            var v = y - oy;
            for (var x = 0; x < width; x++)
            {
                var u = x - ox;
                target[(y * width) + x] = Bilinear(source, height, width, CentreX + (a * u) - (b * v), CentreY + (b * u) + (a * v));
            }
        }
    }

    private static float Bilinear(ReadOnlySpan<float> plane, int height, int width, double x, double y)
    {
        var (x0, y0) = ((int)Math.Floor(x), (int)Math.Floor(y));
        var (fx, fy) = ((float)(x - x0), (float)(y - y0));
        var top = (At(plane, height, width, y0, x0) * (1 - fx)) + (At(plane, height, width, y0, x0 + 1) * fx);
        var bottom = (At(plane, height, width, y0 + 1, x0) * (1 - fx)) + (At(plane, height, width, y0 + 1, x0 + 1) * fx);
        return (top * (1 - fy)) + (bottom * fy);
    }

    private static float At(ReadOnlySpan<float> plane, int height, int width, int y, int x) =>
        y < 0 || y >= height || x < 0 || x >= width ? 0 : plane[(y * width) + x];
}
