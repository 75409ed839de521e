using NeuralSec.Detectors.Images;

namespace NeuralSec.Detectors.Preprocessing.Median;

/// <summary>Spatial smoothing (Xu et al.'s median squeezer, ART SpatialSmoothing): a median over a size×size window of each
/// channel plane, scipy semantics (see <see cref="MedianFilter"/>). Order statistics commute with the affine pixel mapping,
/// so it runs on the pixel planes like every other kernel.</summary>
internal sealed class MedianPreprocessor : IPreprocessor
{
    public MedianPreprocessor(MedianOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Size, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Size, MedianFilter.MaxSize);
        Options = options;
    }

    public MedianOptions Options { get; }

    public string Type => MedianDefinition.Type;

    public bool IsRandomized => false;

    public void Apply(ImageBatch batch, Random random)
    {
        using var planes = PixelPlanes.Acquire(batch);
        for (var n = 0; n < batch.Count; n++)
        {
            for (var c = 0; c < batch.Channels; c++)
            {
                MedianFilter.Apply(planes.Plane(n, c), batch.Height, batch.Width, Options.Size);
            }
        }

        planes.Commit();
    }
}
