namespace NeuralSec.Lab.Training;

/// <summary>What one <see cref="ClassifierTrainer.Train"/> run did, for logs and model cards.</summary>
internal sealed record ClassifierTrainingResult
{
    /// <summary>Mean training loss of each epoch that ran.</summary>
    public required IReadOnlyList<float> EpochLosses { get; init; }

    /// <summary>Accuracy under the <see cref="RobustnessCheck"/> attack, by epoch (1-based); empty without a check.</summary>
    public IReadOnlyList<(int Epoch, double Accuracy)> Checks { get; init; } = [];

    /// <summary>The epoch (1-based) whose weights the network holds at the end: the best check, else the last epoch.</summary>
    public required int SelectedEpoch { get; init; }

    /// <summary>True when the check ended training before the planned number of epochs.</summary>
    public bool StoppedEarly { get; init; }
}
