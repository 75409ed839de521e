namespace NeuralSec.RedTeam.Poisoning;

/// <summary>BadNets: the committed twin <c>mnist-backdoor</c> at inference, and what the runtime detectors make of it.</summary>
internal sealed record BackdoorResults
{
    public required int TargetClass { get; init; }

    /// <summary>Triggered test digits of classes ≠ target (whole test split) for the attack success rate.</summary>
    public required int TriggeredDigits { get; init; }

    public required double AttackSuccessRate { get; init; }

    /// <summary>The clean <c>mnist</c> on the same triggered digits: how often the trigger alone reads as the target.</summary>
    public required double CleanModelTriggeredAsTarget { get; init; }

    public required double CleanAccuracy { get; init; }

    public required double CleanModelAccuracy { get; init; }

    /// <summary>Digits per test half the detectors are calibrated and measured on.</summary>
    public required int DetectorDigits { get; init; }

    public required int StripSamples { get; init; }

    public required IReadOnlyList<DetectorFlags> Detectors { get; init; }
}
