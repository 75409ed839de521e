namespace NeuralSec.RedTeam.Poisoning;

/// <summary>Feature collision with k poisons per target: one fine-tuned victim per target.</summary>
internal sealed record CollisionRow
{
    /// <summary>Poisons k added to the clean fine-tuning set (the first k crafted for the target).</summary>
    public required int Poisons { get; init; }

    /// <summary>Targets the victim classifies as the base class.</summary>
    public required int Successes { get; init; }

    public required int Targets { get; init; }

    public double AttackSuccess => (double)Successes / Targets;

    /// <summary>Clean test accuracy of the victims, averaged over targets (the attack must not show in it).</summary>
    public required double MeanCleanAccuracy { get; init; }
}
