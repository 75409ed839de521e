using System.Buffers;
using System.Numerics.Tensors;
using NeuralSec.Detectors.Images;

namespace NeuralSec.Detectors.Stream;

/// <summary>
/// The image a near-duplicate fingerprint is computed on. Blacklight hashes the pixels, so the OARS-style disguise —
/// every query a fresh 1-pixel shift, brightness factor and noise of the point the attacker wants scored — leaves two of
/// its queries with no window in common. The aligned view undoes that disguise first (<see cref="FingerprintViewSteps"/>):
/// measured on MNIST (docs/stream-detectors.md, <c>neuralsec-redteam fingerprint-diagnose</c>), two transformed copies of
/// one digit then share more than 30 of 50 hashes in most pairs while distinct digits still do not. The upright view
/// (<see cref="FingerprintViewSteps.Upright"/>, <see cref="InkPose"/>) also turns the ink's principal axis upright and
/// scales it to a standard spread, which undoes the rotation and rescaling an attacker who knows the aligned view adds;
/// a shear or an elastic distortion it does not undo (measured in the same places). It assumes ink on a
/// dark background (the centre of mass weighs values above <see cref="InkFloor"/>); an image with no ink is left where it
/// is. Stateless.
/// </summary>
public static class FingerprintView
{
    /// <summary>Values at or below this carry no ink for the centre of mass (above sensor-like noise).</summary>
    public const float InkFloor = 0.1f;

    /// <summary>The most the <see cref="FingerprintViewSteps.Upright"/> step turns an image, in degrees: handwriting
    /// slants by up to about 30° and an attacker's turn adds to that, while a principal axis near horizontal has no stable
    /// "up". Measured (fingerprint-diagnose): a limit of 30° loses a quarter of the view-aware attacker's matches.</summary>
    public const double MaxTilt = 60;

    /// <summary>The ink's spread (root-mean-square distance from its centre of mass) after the
    /// <see cref="FingerprintViewSteps.Upright"/> step, as a share of the image's smaller side: an MNIST digit's is
    /// about 5 of 28 pixels. Drawn a little larger than that, distinct digits keep their strokes apart and match less
    /// often by chance (measured: benign best matches of at most 29 of 50 rather than 35).</summary>
    public const double StandardSpread = 6.0 / 28;

    /// <summary>How far apart the principal axes' variances must be (larger over smaller) before the
    /// <see cref="FingerprintViewSteps.Upright"/> step turns at all: a round shape has no axis to turn by, and noise
    /// would pick one at random. The turn fades in from this ratio to twice it.</summary>
    public const double MinElongation = 1.0;

    /// <summary>Writes the view of one image — canonical planes (channel after channel, row after row), pixel units
    /// — to <paramref name="destination"/> (same length).</summary>
    /// <exception cref="ArgumentException">The lengths do not match the geometry.</exception>
    public static void Apply(ReadOnlySpan<float> planes, int channels, int height, int width, FingerprintViewSteps steps, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        var size = channels * height * width;
        if (planes.Length != size || destination.Length != size)
        {
            throw new ArgumentException($"an image of {channels}×{height}×{width} values needs {size} values in and out, got {planes.Length} and {destination.Length}");
        }

        var upright = (steps & FingerprintViewSteps.Upright) != 0;
        var (dx, dy) = (steps & FingerprintViewSteps.Align) != 0 && !upright ? Centring(planes, channels, height, width) : (0, 0);
        var pose = upright ? InkPose.Of(planes, channels, height, width) : default;
        var plane = height * width;
        var scratch = (steps & FingerprintViewSteps.Blur) != 0 ? ArrayPool<float>.Shared.Rent(plane) : null;
        try
        {
            for (var c = 0; c < channels; c++)
            {
                var source = planes.Slice(c * plane, plane);
                var target = destination.Slice(c * plane, plane);
                if (upright)
                {
                    pose.Resample(source, target, height, width);
                }
                else
                {
                    source.CopyTo(target);
                    PlaneShift.Apply(target, height, width, dy, dx, pad: 0);
                }

                if (scratch is not null)
                {
                    Blur(target, scratch.AsSpan(0, plane), height, width);
                }
            }
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<float>.Shared.Return(scratch);
            }
        }

        if ((steps & FingerprintViewSteps.Normalise) != 0 && TensorPrimitives.Max(destination) is > 0 and var max)
        {
            TensorPrimitives.Divide(destination, max, destination);
        }
    }

    /// <summary>The whole-pixel shift that moves the ink's centre of mass (all channels together) to the centre.</summary>
    private static (int Dx, int Dy) Centring(ReadOnlySpan<float> planes, int channels, int height, int width)
    {
        var m = InkMoments.Of(planes, channels, height, width);
        return m.Mass == 0
            ? (0, 0)
            : ((int)Math.Round(((width - 1) / 2.0) - m.X), (int)Math.Round(((height - 1) / 2.0) - m.Y));
    }

    /// <summary>In place: the 3×3 binomial kernel (¼ ½ ¼ along each axis), zero outside.</summary>
    private static void Blur(Span<float> image, Span<float> scratch, int height, int width)
    {
        for (var y = 0; y < height; y++)
        {
            var row = image.Slice(y * width, width);
            for (var x = 0; x < width; x++)
            {
                scratch[(y * width) + x] = (0.5f * row[x]) + (x > 0 ? 0.25f * row[x - 1] : 0) + (x < width - 1 ? 0.25f * row[x + 1] : 0);
            }
        }

        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = (y * width) + x;
                image[i] = (0.5f * scratch[i]) + (y > 0 ? 0.25f * scratch[i - width] : 0) + (y < height - 1 ? 0.25f * scratch[i + width] : 0);
            }
        }
    }
}
