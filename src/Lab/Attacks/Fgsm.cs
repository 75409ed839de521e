using NeuralSec.Lab.Nn;

namespace NeuralSec.Lab.Attacks;

/// <summary>Fast gradient sign method: x' = clip(x ± ε·sign(∇ₓ loss)).</summary>
public static class Fgsm
{
    public static float[] Perturb(Network net, float[] images, byte[] labels, byte[]? targets, float epsilon, AttackLoss loss = AttackLoss.CrossEntropy, float temperature = 1f)
        => Pgd.Perturb(net, images, labels, targets, AttackOptions.Fgsm(epsilon) with { Loss = loss, Temperature = temperature });
}
