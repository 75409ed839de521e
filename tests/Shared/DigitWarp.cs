namespace NeuralSec.Tests.Shared;

/// <summary>A 28×28 digit turned by some degrees and rescaled about its centre, then shifted by whole pixels (bilinear,
/// zero outside): the geometric part of an adaptive attacker's disguise, for tests of the fingerprint views.</summary>
internal static class DigitWarp
{
    private const int Size = 28;

    public static float[] Apply(ReadOnlySpan<float> digit, double degrees, double scale, int dx = 0, int dy = 0)
    {
        var (sin, cos) = Math.SinCos(degrees * Math.PI / 180);
        const double C = (Size - 1) / 2.0;
        var warped = new float[Size * Size];
        for (var y = 0; y < Size; y++)
        {
            for (var x = 0; x < Size; x++)
            {
                var (u, v) = ((x - C - dx) / scale, (y - C - dy) / scale);
                var (sx, sy) = ((cos * u) + (sin * v) + C, (-sin * u) + (cos * v) + C);
                var (x0, y0) = ((int)Math.Floor(sx), (int)Math.Floor(sy));
                var (fx, fy) = ((float)(sx - x0), (float)(sy - y0));
                warped[(y * Size) + x] = ((1 - fy) * (((1 - fx) * At(digit, x0, y0)) + (fx * At(digit, x0 + 1, y0))))
                    + (fy * (((1 - fx) * At(digit, x0, y0 + 1)) + (fx * At(digit, x0 + 1, y0 + 1))));
            }
        }

        return warped;
    }

    private static float At(ReadOnlySpan<float> digit, int x, int y) => (uint)x < Size && (uint)y < Size ? digit[(y * Size) + x] : 0f;
}
