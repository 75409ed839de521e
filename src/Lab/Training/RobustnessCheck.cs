using NeuralSec.Data;
using NeuralSec.Lab.Attacks;

namespace NeuralSec.Lab.Training;

/// <summary>
/// Early stopping for adversarial training: after every <see cref="EveryEpochs"/> epochs the trainer measures accuracy
/// under <see cref="Attack"/> on <see cref="Split"/> (digits it does not train on), keeps the weights of the best check
/// and ends training once accuracy falls more than <see cref="MaxDrop"/> below that best. One-step training can
/// "catastrophically overfit" (Wong, Rice and Kolter 2020): within an epoch, robustness to the one-step attack stays
/// while robustness to a multi-step one collapses; only a multi-step check sees it.
/// </summary>
internal sealed record RobustnessCheck
{
    public required MnistSplit Split { get; init; }

    /// <summary>A multi-step attack, e.g. PGD-10 at the training ε.</summary>
    public required AttackOptions Attack { get; init; }

    public int EveryEpochs { get; init; } = 1;

    /// <summary>Accuracy drop (fraction, e.g. 0.2 = 20 points) below the best check that ends training.</summary>
    public double MaxDrop { get; init; } = 0.2;
}
