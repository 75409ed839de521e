using System.Buffers;
using System.Numerics.Tensors;
using NeuralSec.Detectors.Images;

namespace NeuralSec.Detectors.Preprocessing.GaussianNoise;

/// <summary>
/// Additive Gaussian noise in pixel units (random smoothing-style; ART GaussianAugmentation on the predict path): the same σ
/// means the same visual noise whatever the model's scaling. Each plane takes one seed from the request's random source and
/// expands it with SplitMix64 and a vectorised Box–Muller transform — System.Random per element costs milliseconds on an
/// ImageNet-sized input. Seeds are drawn plane by plane, so NCHW and NHWC inputs get the same noise on the same pixel.
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
        var plane = batch.PlaneSize;
        var rented = ArrayPool<float>.Shared.Rent(plane + 1);
        using var planes = PixelPlanes.Acquire(batch);
        try
        {
            var noise = rented.AsSpan(0, plane + (plane & 1));
            for (var n = 0; n < batch.Count; n++)
            {
                for (var c = 0; c < batch.Channels; c++)
                {
                    FillStandardNormal(noise, (ulong)random.NextInt64());
                    var target = planes.Plane(n, c);
                    TensorPrimitives.MultiplyAdd(noise[..plane], (float)Options.Sigma, target, target);
                    if (Options.Clip)
                    {
                        TensorPrimitives.Max(target, 0f, target);
                        TensorPrimitives.Min(target, 1f, target);
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

    /// <summary>Standard normals into <paramref name="target"/> (even length): the first half holds the Box–Muller radii,
    /// the second the angles, then both become the cosine and sine normals of each pair.</summary>
    internal static void FillStandardNormal(Span<float> target, ulong seed)
    {
        var half = target.Length / 2;
        var radius = target[..half];
        var angle = target[half..];
        var state = seed;
        for (var i = 0; i < half; i++)
        {
            var bits = SplitMix64(ref state);

            // 24-bit uniforms; the radius one is in (0, 1] so its log is finite.
            radius[i] = ((bits >> 40) + 1) * (1f / (1 << 24));
            angle[i] = ((bits >> 8) & 0xFFFFFF) * (2f / (1 << 24));
        }

        TensorPrimitives.Log(radius, radius);
        TensorPrimitives.Multiply(radius, -2f, radius);
        TensorPrimitives.Sqrt(radius, radius);
        var rented = ArrayPool<float>.Shared.Rent(half);
        try
        {
            var sin = rented.AsSpan(0, half);
            TensorPrimitives.SinPi(angle, sin);
            TensorPrimitives.CosPi(angle, angle);
            TensorPrimitives.Multiply(angle, radius, angle);
            TensorPrimitives.Multiply(sin, radius, radius);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    private static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
