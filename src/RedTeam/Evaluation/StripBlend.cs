using System.Numerics.Tensors;

namespace NeuralSec.RedTeam.Evaluation;

/// <summary>The pixel operations of each <see cref="StripBlendRule"/>.</summary>
internal static class StripBlend
{
    /// <summary>Writes the blend of <paramref name="x"/> and <paramref name="overlay"/> into <paramref name="blend"/> with exactly
    /// the operations of the detector for <see cref="StripBlendRule.Add"/> and <see cref="StripBlendRule.Clip"/>.</summary>
    public static void Apply(StripBlendRule rule, ReadOnlySpan<float> x, ReadOnlySpan<float> overlay, Span<float> blend)
    {
        switch (rule)
        {
            case StripBlendRule.Add:
                TensorPrimitives.Add(x, overlay, blend);
                break;
            case StripBlendRule.Clip:
                TensorPrimitives.Add(x, overlay, blend);
                TensorPrimitives.Max(blend, 0f, blend);
                TensorPrimitives.Min(blend, 1f, blend);
                break;
            case StripBlendRule.Mean:
                TensorPrimitives.Add(x, overlay, blend);
                TensorPrimitives.Multiply(blend, 0.5f, blend);
                break;
            case StripBlendRule.Max:
                TensorPrimitives.Max(x, overlay, blend);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(rule), rule, null);
        }
    }

    public static string Describe(StripBlendRule rule) => rule switch
    {
        StripBlendRule.Add => "x + o, unclipped (reference notebook; detector `clip: false`, the default)",
        StripBlendRule.Clip => "min(x + o, 1) (detector `clip: true`)",
        StripBlendRule.Mean => "(x + o) / 2 (alpha blend ½)",
        StripBlendRule.Max => "max(x, o)",
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, null),
    };
}
