using System.Numerics;
using NeuralSec.Detectors.Images;

namespace NeuralSec.Detectors.Preprocessing.BitDepth;

/// <summary>
/// Colour-depth reduction (Xu et al.'s bit-depth squeezer, ART FeatureSqueezing): in pixel units,
/// <c>p' = rint(p·(2^b − 1)) / (2^b − 1)</c>, rounding half to even like numpy's rint. One bit binarises at 0.5.
/// Pixels are clamped to [0, 1] first so the result has exactly 2^b levels.
/// </summary>
internal sealed class BitDepthPreprocessor : IPreprocessor
{
    private readonly float _levels;

    public BitDepthPreprocessor(BitDepthOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Bits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Bits, 8);
        Options = options;
        _levels = (1 << options.Bits) - 1;
    }

    public BitDepthOptions Options { get; }

    public string Type => BitDepthDefinition.Type;

    public bool IsRandomized => false;

    public void Apply(ImageBatch batch, Random random)
    {
        using var planes = PixelPlanes.Acquire(batch);
        Quantize(planes.Span, _levels);
        planes.Commit();
    }

    /// <summary>One fused pass (clamp, scale, round half to even, unscale) — five whole-span passes cost several times more.</summary>
    internal static void Quantize(Span<float> pixels, float levels)
    {
        var lanes = Vector<float>.Count;
        var scale = new Vector<float>(levels);
        var i = 0;
        for (; i + lanes <= pixels.Length; i += lanes)
        {
            var slice = pixels.Slice(i, lanes);
            var v = Vector.Min(Vector.Max(new Vector<float>(slice), Vector<float>.Zero), Vector<float>.One);
            (Vector.Round(v * scale) / scale).CopyTo(slice);
        }

        for (; i < pixels.Length; i++)
        {
            pixels[i] = MathF.Round(Math.Clamp(pixels[i], 0f, 1f) * levels) / levels;
        }
    }
}
