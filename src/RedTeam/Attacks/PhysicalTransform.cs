namespace NeuralSec.RedTeam.Attacks;

/// <summary>
/// One draw of what a camera does to a printed digit, digitally: rotation about the centre, scale, shift and brightness
/// (out = brightness · bilinear sample of the input at the inverse-mapped point, black outside, clipped to [0, 1]).
/// Linear in the input, so its gradient is the transpose of the same sampling (<see cref="Backward"/>).
/// </summary>
internal sealed record PhysicalTransform(float Degrees, float Scale, float ShiftX, float ShiftY, float Brightness)
{
    private const int Side = 28;
    private const float Centre = (Side - 1) / 2f;

    /// <summary>Rotation ±15°, scale ×[0.9, 1.1], shift ±2 px, brightness ×[0.8, 1.2] (Athalye et al.'s EOT ranges
    /// scaled to 28×28).</summary>
    public static PhysicalTransform Draw(Random random) => new(
        (float)((random.NextDouble() * 30) - 15),
        (float)(0.9 + (random.NextDouble() * 0.2)),
        (float)((random.NextDouble() * 4) - 2),
        (float)((random.NextDouble() * 4) - 2),
        (float)(0.8 + (random.NextDouble() * 0.4)));

    /// <summary>Applies the transform to one 28×28 image.</summary>
    public float[] Apply(ReadOnlySpan<float> image)
    {
        var output = new float[Side * Side];
        var source = image.ToArray();
        Sample((p, q, w) => output[p] += w * source[q]);
        for (var p = 0; p < output.Length; p++)
        {
            output[p] = Math.Clamp(output[p], 0f, 1f);
        }

        return output;
    }

    /// <summary>dLoss/dInput from dLoss/dOutput (the clip treated as identity, BPDA-style).</summary>
    public void Backward(ReadOnlySpan<float> gradOutput, Span<float> gradInput)
    {
        var g = gradOutput.ToArray();
        var result = new float[gradInput.Length];
        Sample((p, q, w) => result[q] += w * g[p]);
        result.CopyTo(gradInput);
    }

    // For every output pixel p, the (source pixel q, weight) pairs of its bilinear sample, brightness included.
    private void Sample(Action<int, int, float> tap)
    {
        var radians = Degrees * MathF.PI / 180f;
        var (cos, sin) = (MathF.Cos(radians), MathF.Sin(radians));
        for (var r = 0; r < Side; r++)
        {
            for (var c = 0; c < Side; c++)
            {
                // Inverse map: undo the shift, then the rotation and scale about the centre.
                var dx = (c - ShiftX - Centre) / Scale;
                var dy = (r - ShiftY - Centre) / Scale;
                var sx = (cos * dx) + (sin * dy) + Centre;
                var sy = (-sin * dx) + (cos * dy) + Centre;
                var (x0, y0) = ((int)MathF.Floor(sx), (int)MathF.Floor(sy));
                var (fx, fy) = (sx - x0, sy - y0);
                var p = (r * Side) + c;
                Tap(tap, p, x0, y0, (1 - fx) * (1 - fy));
                Tap(tap, p, x0 + 1, y0, fx * (1 - fy));
                Tap(tap, p, x0, y0 + 1, (1 - fx) * fy);
                Tap(tap, p, x0 + 1, y0 + 1, fx * fy);
            }
        }
    }

    private void Tap(Action<int, int, float> tap, int p, int x, int y, float weight)
    {
        if (x >= 0 && x < Side && y >= 0 && y < Side && weight > 0)
        {
            tap(p, (y * Side) + x, weight * Brightness);
        }
    }
}
