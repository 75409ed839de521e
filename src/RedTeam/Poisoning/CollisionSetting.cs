namespace NeuralSec.RedTeam.Poisoning;

/// <summary>The poisons crafted at one β and what they did. Distances are pixel distances in [0, 1] units (a 28×28 digit).</summary>
internal sealed record CollisionSetting
{
    public required string Name { get; init; }

    /// <summary>Weight of ‖x − b‖² against ‖f(x) − f(t)‖², in [0, 1] pixel units.</summary>
    public required double Beta { get; init; }

    public required double MeanL2ToBase { get; init; }

    public required double MeanLinfToBase { get; init; }

    public required double MeanL2ToTarget { get; init; }

    /// <summary>Mean L2 from each base to its target: the distance a poison would cover by becoming the target.</summary>
    public required double MeanBaseToTargetL2 { get; init; }

    /// <summary>Mean of ‖f(p) − f(t)‖ / ‖f(b) − f(t)‖: 0 is a perfect collision, 1 no progress.</summary>
    public required double FeatureDistanceRatio { get; init; }

    /// <summary>Poisons the independently trained, adversarially robust <c>mnist-adv</c> reads as the target class: a proxy for
    /// "looks like the target" (it shares no weights with the extractor the poisons were crafted on).</summary>
    public required double PoisonsReadAsTarget { get; init; }

    /// <summary>Poisons <c>mnist-adv</c> reads as their base class: the clean-label disguise holding.</summary>
    public required double PoisonsReadAsBase { get; init; }

    public required IReadOnlyList<CollisionRow> Rows { get; init; }
}
