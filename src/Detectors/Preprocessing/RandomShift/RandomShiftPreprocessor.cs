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
                PlaneShift.Apply(planes.Plane(n, c), height, width, dy, dx, pad);
            }
        }

        planes.Commit();
    }
}
