namespace NeuralSec.RedTeam.Attacks;

/// <summary>Back-propagation through a softmax: the gradient on logits of a function of the probabilities.</summary>
internal static class SoftmaxJacobian
{
    /// <summary>target += scale · Jᵀ·v for the softmax Jacobian at probabilities p: p ⊙ (v − p·v).</summary>
    public static void Accumulate(Span<float> target, ReadOnlySpan<float> p, ReadOnlySpan<float> v, float scale)
    {
        var dot = 0f;
        for (var j = 0; j < p.Length; j++)
        {
            dot += p[j] * v[j];
        }

        for (var j = 0; j < p.Length; j++)
        {
            target[j] += scale * p[j] * (v[j] - dot);
        }
    }
}
