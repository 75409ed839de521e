namespace NeuralSec.RedTeam.Poisoning;

/// <summary>The runtime detectors on the feature-collision targets as each is served by its own poisoned victim.</summary>
internal sealed record CollisionDetectionResults
{
    /// <summary>Which crafted poisons made the victims (setting name and k).</summary>
    public required string Victims { get; init; }

    /// <summary>Targets the victims classify as the base class: the attacks whose inputs the detectors had to catch.</summary>
    public required int SuccessfulTargets { get; init; }

    public required IReadOnlyList<DetectorFlags> Detectors { get; init; }
}
