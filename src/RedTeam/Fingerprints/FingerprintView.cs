using NeuralSec.Data;

namespace NeuralSec.RedTeam.Fingerprints;

/// <summary>
/// What the near-duplicate fingerprint is computed on: the pixels as the sidecar does today, or a view meant to be
/// robust to the OARS-style disguise (a 1-pixel shift, a brightness factor, sensor noise) — blurred (a 3×3 binomial
/// kernel averages the noise), centre-of-mass aligned (an integer shift that puts the ink's centre of mass at the
/// image centre undoes the attacker's shift), brightness-normalised (divided by the brightest pixel). A diagnostic:
/// the product fingerprints the pixels.
/// </summary>
internal sealed record FingerprintView(string Name, bool Align, bool Blur, bool Normalise)
{
    /// <summary>Pixels darker than this carry no ink for the centre of mass (the attacker's noise is ±0.04).</summary>
    private const float InkFloor = 0.1f;

    public static IReadOnlyList<FingerprintView> All { get; } =
    [
        new("pixels (shipped)", Align: false, Blur: false, Normalise: false),
        new("blurred", Align: false, Blur: true, Normalise: true),
        new("aligned", Align: true, Blur: false, Normalise: true),
        new("aligned + blurred", Align: true, Blur: true, Normalise: true),
    ];

    public float[] Apply(ReadOnlySpan<float> image)
    {
        var view = Align ? Aligned(image) : image.ToArray();
        if (Blur)
        {
            view = Blurred(view);
        }

        if (Normalise && view.Max() is > 0 and var max)
        {
            for (var i = 0; i < view.Length; i++)
            {
                view[i] /= max;
            }
        }

        return view;
    }

    private static float[] Aligned(ReadOnlySpan<float> image)
    {
        const int n = MnistSplit.Rows;
        double mass = 0, mx = 0, my = 0;
        for (var y = 0; y < n; y++)
        {
            for (var x = 0; x < n; x++)
            {
                var ink = Math.Max(0, image[(y * n) + x] - InkFloor);
                (mass, mx, my) = (mass + ink, mx + (ink * x), my + (ink * y));
            }
        }

        var aligned = new float[MnistSplit.Pixels];
        if (mass == 0)
        {
            image.CopyTo(aligned);
            return aligned;
        }

        var centre = (n - 1) / 2.0;
        Lab.Training.Augment.Shift(image, aligned, (int)Math.Round(centre - (mx / mass)), (int)Math.Round(centre - (my / mass)));
        return aligned;
    }

    private static float[] Blurred(float[] image)
    {
        const int n = MnistSplit.Rows;
        ReadOnlySpan<float> kernel = [0.25f, 0.5f, 0.25f];
        var across = new float[image.Length];
        var blurred = new float[image.Length];
        for (var y = 0; y < n; y++)
        {
            for (var x = 0; x < n; x++)
            {
                var sum = 0f;
                for (var k = -1; k <= 1; k++)
                {
                    sum += (x + k) is >= 0 and < n ? kernel[k + 1] * image[(y * n) + x + k] : 0;
                }

                across[(y * n) + x] = sum;
            }
        }

        for (var y = 0; y < n; y++)
        {
            for (var x = 0; x < n; x++)
            {
                var sum = 0f;
                for (var k = -1; k <= 1; k++)
                {
                    sum += (y + k) is >= 0 and < n ? kernel[k + 1] * across[((y + k) * n) + x] : 0;
                }

                blurred[(y * n) + x] = sum;
            }
        }

        return blurred;
    }
}
