using NeuralSec.Detectors.Images;

namespace NeuralSec.Detectors.Preprocessing.RandomShift;

/// <summary>
/// Random crop/shift: the image moves by (dy, dx), each uniform in [−maxShift, maxShift], and uncovered pixels take the pad
/// value — the same as padding by maxShift and cropping the original size at a random offset. Draws are per image.
/// </summary>
internal sealed class RandomShiftPreprocessor : IPreprocessor
{
    public RandomShiftPreprocessor(RandomShiftOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxShift);
        Options = options;
    }

    public RandomShiftOptions Options { get; }

    public string Type => RandomShiftDefinition.Type;

    public bool IsRandomized => true;

    public void Apply(ImageBatch batch, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        int height = batch.Height, width = batch.Width, max = Options.MaxShift;
        var pad = (float)Options.PadValue;
        using var planes = PixelPlanes.Acquire(batch);
        for (var n = 0; n < batch.Count; n++)
        {
            var dy = random.Next(-max, max + 1);
            var dx = random.Next(-max, max + 1);
            for (var c = 0; c < batch.Channels; c++)
            {
                Shift(planes.Plane(n, c), height, width, dy, dx, pad);
            }
        }

        planes.Commit();
    }

    /// <summary>output(y, x) = input(y − dy, x − dx), or <paramref name="pad"/> outside. In place: rows are visited in the
    /// order that never overwrites a row still to be read, and each row moves with an overlap-safe copy.</summary>
    internal static void Shift(Span<float> plane, int height, int width, int dy, int dx, float pad)
    {
        if (Math.Abs(dy) >= height || Math.Abs(dx) >= width)
        {
            plane.Fill(pad);
            return;
        }

        var span = width - Math.Abs(dx);
        for (var i = 0; i < height; i++)
        {
            var y = dy >= 0 ? height - 1 - i : i;
            var target = plane.Slice(y * width, width);
            var sy = y - dy;
            if (sy < 0 || sy >= height)
            {
                target.Fill(pad);
                continue;
            }

            var source = plane.Slice((sy * width) + Math.Max(-dx, 0), span);
            source.CopyTo(target.Slice(Math.Max(dx, 0), span));
            target[..Math.Max(dx, 0)].Fill(pad);
            target[(Math.Max(dx, 0) + span)..].Fill(pad);
        }
    }
}
