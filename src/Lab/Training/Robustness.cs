using NeuralSec.Data;
using NeuralSec.Lab.Attacks;
using NeuralSec.Lab.Eval;
using NeuralSec.Lab.Nn;

namespace NeuralSec.Lab.Training;

internal static class Robustness
{
    /// <summary>Accuracy on untargeted adversarial versions of <paramref name="split"/> (every digit is attacked).</summary>
    public static double AccuracyUnder(Network net, MnistSplit split, AttackOptions attack)
    {
        var adv = Pgd.Perturb(net, split.Images, split.Labels, null, attack);
        return Metrics.Accuracy(net, adv, split.Labels);
    }

    public static string Describe(AttackOptions a)
    {
        var name = (a.Steps, a.RandomStart) switch
        {
            (1, false) => "FGSM",
            (1, true) => $"FGSM with random start (α={a.Alpha:0.####})",
            (_, false) => $"PGD-{a.Steps} (α={a.Alpha:0.####}, no random start)",
            _ => $"PGD-{a.Steps} (α={a.Alpha:0.####}, random start)",
        };
        var loss = a.Loss == AttackLoss.Margin ? ", CW margin loss on logits" : a.Temperature != 1f ? $", cross-entropy of logits/{a.Temperature:0.#}" : string.Empty;
        return $"{name}, L∞ ε={a.Epsilon:0.###}{loss}";
    }
}
