using NeuralSec.Detectors.Images;

namespace NeuralSec.Detectors.Preprocessing.GaussianBlur;

/// <summary>Gaussian smoothing of each channel plane (see <see cref="GaussianKernel"/>): the cheapest denoiser; removes
/// high-frequency perturbations at some cost in sharpness.</summary>
internal sealed class GaussianBlurPreprocessor : IPreprocessor
{
    private readonly GaussianKernel _kernel;

    public GaussianBlurPreprocessor(GaussianBlurOptions options)
    {
        Options = options;
        _kernel = new GaussianKernel(options.Sigma);
    }

    public GaussianBlurOptions Options { get; }

    public string Type => GaussianBlurDefinition.Type;

    public bool IsRandomized => false;

    internal GaussianKernel Kernel => _kernel;

    public void Apply(ImageBatch batch, Random random)
    {
        using var planes = PixelPlanes.Acquire(batch);
        for (var n = 0; n < batch.Count; n++)
        {
            for (var c = 0; c < batch.Channels; c++)
            {
                _kernel.Apply(planes.Plane(n, c), batch.Height, batch.Width);
            }
        }

        planes.Commit();
    }
}
