using System.Buffers;
using NeuralSec.Detectors.Images;

namespace NeuralSec.Detectors.Preprocessing.RandomResizePad;

/// <summary>
/// Randomization defense of Xie et al. (ICLR 2018): each image is resized to a random size and padded at a random position.
/// Xie et al. enlarge (299 → [299, 331) → pad to 331), which needs a model that takes the larger input; the sidecar must
/// forward the shape the model declares, so the image is shrunk instead: side r uniform in [⌈minScale·H⌉, H] (aspect kept)
/// and padded back to H×W at a uniform offset — the same family of random geometric jitter at the model's own size.
/// All draws are per image, before its channels, so NCHW and NHWC inputs get the same transform.
/// </summary>
internal sealed class RandomResizePadPreprocessor : IPreprocessor
{
    public RandomResizePadPreprocessor(RandomResizePadOptions options)
    {
        if (!(options.MinScale is > 0 and <= 1) || !(options.PadValue is >= 0 and <= 1))
        {
            throw new ArgumentException("random resize-pad needs minScale in (0, 1] and padValue in [0, 1]", nameof(options));
        }

        Options = options;
    }

    public RandomResizePadOptions Options { get; }

    public string Type => RandomResizePadDefinition.Type;

    public bool IsRandomized => true;

    public void Apply(ImageBatch batch, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        int height = batch.Height, width = batch.Width;
        var minHeight = Math.Clamp((int)Math.Ceiling(Options.MinScale * height), 1, height);
        var pad = (float)Options.PadValue;
        var rented = ArrayPool<float>.Shared.Rent(batch.PlaneSize);
        using var planes = PixelPlanes.Acquire(batch);
        try
        {
            var resized = rented.AsSpan(0, batch.PlaneSize);
            for (var n = 0; n < batch.Count; n++)
            {
                var newHeight = random.Next(minHeight, height + 1);
                var newWidth = Math.Clamp((int)Math.Round((double)width * newHeight / height), 1, width);
                var top = random.Next(0, height - newHeight + 1);
                var left = random.Next(0, width - newWidth + 1);
                for (var c = 0; c < batch.Channels; c++)
                {
                    var plane = planes.Plane(n, c);
                    var target = resized[..(newHeight * newWidth)];
                    PlaneResize.Resize(plane, height, width, target, newHeight, newWidth, Options.Interpolation);
                    plane.Fill(pad);
                    for (var y = 0; y < newHeight; y++)
                    {
                        target.Slice(y * newWidth, newWidth).CopyTo(plane.Slice(((top + y) * width) + left));
                    }
                }
            }

            planes.Commit();
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }
}
