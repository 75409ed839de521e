namespace NeuralSec.RedTeam.Poisoning;

/// <summary>One runtime detector, as a policy would configure it, and what it flags of each set at its threshold.</summary>
internal sealed record DetectorFlags
{
    public required string Detector { get; init; }

    /// <summary>The policy options it was built from, and the model it is scored on.</summary>
    public required string Options { get; init; }

    public required double Threshold { get; init; }

    /// <summary>Where the threshold comes from (calibration set and rate, or the shipped policy).</summary>
    public required string ThresholdSource { get; init; }

    public required IReadOnlyList<FlagRate> Sets { get; init; }
}
