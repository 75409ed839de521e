using NeuralSec.Lab.Nn;

namespace NeuralSec.RedTeam.Attacks;

/// <summary>Exact input gradients of a lab classifier for a loss the caller defines on each item's logits — what the
/// attacks that are neither FGSM nor PGD (C&amp;W, the patch, EOT) descend.</summary>
internal static class WhiteBox
{
    public const int Classes = 10;

    /// <summary>Forwards <paramref name="b"/> images; <paramref name="lossGradient"/> gets (item, logits, dLoss/dlogits
    /// to fill); returns dLoss/dx.</summary>
    public static float[] InputGradient(Network net, float[] x, int b, Action<int, ReadOnlySpan<float>, Span<float>> lossGradient)
    {
        var logits = net.Forward(new Tensor(Tensor.WithBatch(b, net.InputShape), (float[])x.Clone()));
        var g = new Tensor(logits.Shape);
        for (var i = 0; i < b; i++)
        {
            lossGradient(i, logits.Item(i), g.Item(i));
        }

        return net.Backward(g, accumulateParameterGradients: false).Data;
    }

    /// <summary>The best class other than <paramref name="label"/>.</summary>
    public static int RunnerUp(ReadOnlySpan<float> logits, int label)
    {
        var best = label == 0 ? 1 : 0;
        for (var j = 0; j < logits.Length; j++)
        {
            if (j != label && logits[j] > logits[best])
            {
                best = j;
            }
        }

        return best;
    }
}
