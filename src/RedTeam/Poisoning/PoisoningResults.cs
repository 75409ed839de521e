namespace NeuralSec.RedTeam.Poisoning;

/// <summary>
/// Everything one poisoning run measured (plain data: serialises with System.Text.Json's default options; no NaN, no cycles).
/// <see cref="PoisoningReport"/> renders it.
/// </summary>
internal sealed record PoisoningResults
{
    public required bool Quick { get; init; }

    public required int Seed { get; init; }

    public required LabelFlippingResults LabelFlipping { get; init; }

    public required FeatureCollisionResults FeatureCollision { get; init; }

    public required BackdoorResults Backdoor { get; init; }

    public required CollisionDetectionResults CollisionDetection { get; init; }

    public required IReadOnlyList<PoisoningTiming> Timings { get; init; }
}
