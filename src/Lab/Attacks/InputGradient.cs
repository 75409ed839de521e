using NeuralSec.Lab.Nn;

namespace NeuralSec.Lab.Attacks;

/// <summary>Exact dLoss/dInput through the lab network (white-box access).</summary>
public static class InputGradient
{
    public static (float Loss, float[] Gradient) Compute(Network net, Tensor x, ReadOnlySpan<byte> classes, AttackLoss loss, float temperature)
    {
        var logits = net.Forward(x);
        var g = new Tensor(logits.Shape);
        var value = loss == AttackLoss.Margin
            ? Losses.Margin(logits, classes, g)
            : Losses.SoftmaxCrossEntropy(logits, classes, null, temperature, g);
        return (value, net.Backward(g, accumulateParameterGradients: false).Data);
    }
}
