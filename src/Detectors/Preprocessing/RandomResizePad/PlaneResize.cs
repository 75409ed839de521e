namespace NeuralSec.Detectors.Preprocessing.RandomResizePad;

/// <summary>Resizes one plane with pixel-centre alignment (output pixel centre (o + ½)·in/out − ½ in input coordinates).</summary>
internal static class PlaneResize
{
    public static void Resize(ReadOnlySpan<float> source, int height, int width, Span<float> target, int targetHeight, int targetWidth, ResizeInterpolation interpolation)
    {
        double scaleY = (double)height / targetHeight, scaleX = (double)width / targetWidth;
        for (var oy = 0; oy < targetHeight; oy++)
        {
            var row = target.Slice(oy * targetWidth, targetWidth);
            if (interpolation == ResizeInterpolation.Nearest)
            {
                var sy = Math.Min((int)((oy + 0.5) * scaleY), height - 1);
                for (var ox = 0; ox < targetWidth; ox++)
                {
                    row[ox] = source[(sy * width) + Math.Min((int)((ox + 0.5) * scaleX), width - 1)];
                }

                continue;
            }

            var fy = Math.Clamp(((oy + 0.5) * scaleY) - 0.5, 0, height - 1);
            var y0 = (int)fy;
            var y1 = Math.Min(y0 + 1, height - 1);
            var wy = (float)(fy - y0);
            for (var ox = 0; ox < targetWidth; ox++)
            {
                var fx = Math.Clamp(((ox + 0.5) * scaleX) - 0.5, 0, width - 1);
                var x0 = (int)fx;
                var x1 = Math.Min(x0 + 1, width - 1);
                var wx = (float)(fx - x0);
                var top = source[(y0 * width) + x0] + ((source[(y0 * width) + x1] - source[(y0 * width) + x0]) * wx);
                var bottom = source[(y1 * width) + x0] + ((source[(y1 * width) + x1] - source[(y1 * width) + x0]) * wx);
                row[ox] = top + ((bottom - top) * wy);
            }
        }
    }
}
