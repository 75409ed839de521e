using System.Numerics.Tensors;
using NeuralSec.Detectors.Images;

namespace NeuralSec.Detectors.Preprocessing.BitDepth;

/// <summary>
/// Colour-depth reduction (Xu et al.'s bit-depth squeezer, ART FeatureSqueezing): in pixel units,
/// <c>p' = rint(p·(2^b − 1)) / (2^b − 1)</c>, rounding half to even like numpy's rint. One bit binarises at 0.5.
/// Pixels are clamped to [0, 1] first so the result has exactly 2^b levels.
/// </summary>
internal sealed class BitDepthPreprocessor : IPreprocessor
{
    private readonly float levels;

    public BitDepthPreprocessor(BitDepthOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Bits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Bits, 8);
        Options = options;
        levels = (1 << options.Bits) - 1;
    }

    public BitDepthOptions Options { get; }

    public string Type => BitDepthDefinition.Type;

    public bool IsRandomized => false;

    public void Apply(ImageBatch batch, Random random)
    {
        using var planes = PixelPlanes.Acquire(batch);
        Quantize(planes.Span, levels);
        planes.Commit();
    }

    internal static void Quantize(Span<float> pixels, float levels)
    {
        TensorPrimitives.Max(pixels, 0f, pixels);
        TensorPrimitives.Min(pixels, 1f, pixels);
        TensorPrimitives.Multiply(pixels, levels, pixels);
        TensorPrimitives.Round(pixels, MidpointRounding.ToEven, pixels);
        TensorPrimitives.Divide(pixels, levels, pixels);
    }
}
