namespace NeuralSec.Lab.Training;

/// <summary>Random integer translations of 28×28 digits, zero-filled (MNIST background is 0).</summary>
internal static class Augment
{
    public static void Shift(ReadOnlySpan<float> src, Span<float> dst, int dx, int dy, int size = 28)
    {
        dst.Clear();
        for (var y = 0; y < size; y++)
        {
            var sy = y - dy;
            if (sy < 0 || sy >= size)
            {
                continue;
            }

            var x0 = Math.Max(0, dx);
            var x1 = Math.Min(size, size + dx);
            src.Slice(sy * size + x0 - dx, x1 - x0).CopyTo(dst.Slice(y * size + x0, x1 - x0));
        }
    }
}
