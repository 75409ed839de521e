using NeuralSec.Data;
using NeuralSec.Lab.Training;

namespace NeuralSec.RedTeam.Stream;

/// <summary>One drawn <see cref="QueryTransform"/>: its rotation, scale, shear and shift (geometric only when the
/// transform is), brightness gain and per-pixel noise, applied the same way to any digit.</summary>
internal sealed record QueryTransformDraw(bool Geometric, float Degrees, float Scale, float Shear, int Dx, int Dy, float Gain, float[] Noise)
{
    public float[] Apply(ReadOnlySpan<float> image)
    {
        var moved = new float[MnistSplit.Pixels];
        if (Geometric)
        {
            Augment.Affine(image, moved, Degrees, Scale, Dx, Dy, Shear);
        }
        else
        {
            Augment.Shift(image, moved, Dx, Dy);
        }

        for (var p = 0; p < moved.Length; p++)
        {
            moved[p] = Math.Clamp((moved[p] * Gain) + Noise[p], 0f, 1f);
        }

        return moved;
    }
}
