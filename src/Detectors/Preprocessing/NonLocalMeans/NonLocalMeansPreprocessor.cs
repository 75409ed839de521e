using NeuralSec.Detectors.Images;

namespace NeuralSec.Detectors.Preprocessing.NonLocalMeans;

/// <summary>Non-local-means denoising of each channel plane (see <see cref="NonLocalMeansFilter"/>). Colour images are
/// filtered per RGB channel rather than in OpenCV's Lab space — simpler, and the squeezer only needs a consistent smoothing.</summary>
internal sealed class NonLocalMeansPreprocessor : IPreprocessor
{
    public NonLocalMeansPreprocessor(NonLocalMeansOptions options)
    {
        if (options.SearchWindow % 2 == 0 || options.BlockSize % 2 == 0 || options.SearchWindow < 1 || options.BlockSize < 1 || !(options.Strength > 0))
        {
            throw new ArgumentException("non-local means needs odd positive window sizes and a positive strength", nameof(options));
        }

        Options = options;
    }

    public NonLocalMeansOptions Options { get; }

    public string Type => NonLocalMeansDefinition.Type;

    public bool IsRandomized => false;

    public void Apply(ImageBatch batch, Random random)
    {
        using var planes = PixelPlanes.Acquire(batch);
        for (var n = 0; n < batch.Count; n++)
        {
            for (var c = 0; c < batch.Channels; c++)
            {
                NonLocalMeansFilter.Apply(planes.Plane(n, c), batch.Height, batch.Width, Options);
            }
        }

        planes.Commit();
    }
}
