namespace NeuralSec.RedTeam.Poisoning;

/// <summary>One label-flipping rate and the clean test accuracy of the model trained at it.</summary>
internal sealed record LabelFlipRow
{
    /// <summary>Share of training labels flipped (0–1).</summary>
    public required double Rate { get; init; }

    /// <summary>Training labels actually flipped.</summary>
    public required int Flipped { get; init; }

    public required double TestAccuracy { get; init; }
}
