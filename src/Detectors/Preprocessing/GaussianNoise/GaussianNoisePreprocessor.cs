using System.Buffers;
using System.Numerics.Tensors;
using NeuralSec.Detectors.Images;

namespace NeuralSec.Detectors.Preprocessing.GaussianNoise;

/// <summary>
/// Additive Gaussian noise in pixel units (random smoothing-style; ART GaussianAugmentation on the predict path): the same σ
/// means the same visual noise whatever the model's scaling. Noise is drawn plane by plane in row-major order, so NCHW and
/// NHWC inputs with the same seed get the same noise on the same pixel.
/// </summary>
internal sealed class GaussianNoisePreprocessor : IPreprocessor
{
    public GaussianNoisePreprocessor(GaussianNoiseOptions options)
    {
        if (!(options.Sigma is > 0 and <= 1))
        {
            throw new ArgumentException("noise sigma must be in (0, 1]", nameof(options));
        }

        Options = options;
    }

    public GaussianNoiseOptions Options { get; }

    public string Type => GaussianNoiseDefinition.Type;

    public bool IsRandomized => true;

    public void Apply(ImageBatch batch, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var rented = ArrayPool<float>.Shared.Rent(batch.PlaneSize);
        using var planes = PixelPlanes.Acquire(batch);
        try
        {
            var noise = rented.AsSpan(0, batch.PlaneSize);
            for (var n = 0; n < batch.Count; n++)
            {
                for (var c = 0; c < batch.Channels; c++)
                {
                    FillStandardNormal(noise, random);
                    var plane = planes.Plane(n, c);
                    TensorPrimitives.MultiplyAdd(noise, (float)Options.Sigma, plane, plane);
                    if (Options.Clip)
                    {
                        TensorPrimitives.Max(plane, 0f, plane);
                        TensorPrimitives.Min(plane, 1f, plane);
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

    /// <summary>Box–Muller, two normals per pair of uniforms.</summary>
    internal static void FillStandardNormal(Span<float> target, Random random)
    {
        for (var i = 0; i < target.Length; i += 2)
        {
            var u1 = 1.0 - random.NextDouble(); // (0, 1]: log is finite
            var u2 = random.NextDouble();
            var radius = Math.Sqrt(-2.0 * Math.Log(u1));
            var (sin, cos) = Math.SinCos(2.0 * Math.PI * u2);
            target[i] = (float)(radius * cos);
            if (i + 1 < target.Length)
            {
                target[i + 1] = (float)(radius * sin);
            }
        }
    }
}
