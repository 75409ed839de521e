namespace NeuralSec.RedTeam.Poisoning;

/// <summary>Clean-label feature collision against the last-layer fine-tune of <c>mnist</c>.</summary>
internal sealed record FeatureCollisionResults
{
    public required int TargetClass { get; init; }

    public required int BaseClass { get; init; }

    /// <summary>Test digits attacked (each correctly classified by <c>mnist</c> before the attack).</summary>
    public required int Targets { get; init; }

    /// <summary>Distinct base digits; poison i of every target starts from base i.</summary>
    public required int Bases { get; init; }

    public required int FeatureDimension { get; init; }

    public required int CraftIterations { get; init; }

    public required int FineTuneDigits { get; init; }

    public required int FineTuneEpochs { get; init; }

    /// <summary><c>mnist</c> itself on the clean test split (before any fine-tune).</summary>
    public required double PretrainedCleanAccuracy { get; init; }

    /// <summary>The same fine-tune without poisons: targets classified as the base class (the attack's floor).</summary>
    public required int ControlSuccesses { get; init; }

    public required double ControlCleanAccuracy { get; init; }

    public required IReadOnlyList<CollisionSetting> Settings { get; init; }

    /// <summary>The first setting's victims at the largest k, and the control, by fine-tune length.</summary>
    public required IReadOnlyList<FineTuneLength> FineTuneSweep { get; init; }
}
