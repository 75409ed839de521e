namespace NeuralSec.Detectors.Stream;

/// <summary>The ink's mass (values above <see cref="FingerprintView.InkFloor"/>, less the floor, all channels together),
/// its centre of mass and its central second moments per unit mass (<see cref="Xx"/>, <see cref="Yy"/>,
/// <see cref="Xy"/>), in pixels; all zero without ink.</summary>
internal readonly record struct InkMoments(double Mass, double X, double Y, double Xx, double Yy, double Xy)
{
    public static InkMoments Of(ReadOnlySpan<float> planes, int channels, int height, int width)
    {
        double mass = 0, mx = 0, my = 0, mxx = 0, myy = 0, mxy = 0;
        var plane = height * width;
        for (var c = 0; c < channels; c++)
        {
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    var v = planes[(c * plane) + (y * width) + x];
                    if (v > FingerprintView.InkFloor)
                    {
                        var ink = v - FingerprintView.InkFloor;
                        (mass, mx, my) = (mass + ink, mx + (ink * x), my + (ink * y));
                        (mxx, myy, mxy) = (mxx + (ink * x * x), myy + (ink * y * y), mxy + (ink * x * y));
                    }
                }
            }
        }

        if (mass == 0)
        {
            return default;
        }

        var (cx, cy) = (mx / mass, my / mass);
        return new InkMoments(mass, cx, cy, Math.Max(0, (mxx / mass) - (cx * cx)), Math.Max(0, (myy / mass) - (cy * cy)), (mxy / mass) - (cx * cy));
    }
}
