using NeuralSec.Data;
using NeuralSec.Lab.Nn;

namespace NeuralSec.RedTeam.Poisoning;

/// <summary>
/// What the runtime part needs from the feature-collision experiment: the targets, the victim each is served by (fine-tuned
/// with that target's poisons), the control fine-tune without poisons, and the poisons themselves.
/// </summary>
internal sealed record CollisionVictims
{
    public required FeatureSpace Space { get; init; }

    /// <summary>Setting name and k of the poisons behind <see cref="Heads"/>.</summary>
    public required string Description { get; init; }

    public required MnistSplit Targets { get; init; }

    /// <summary>Victim head of each target, in <see cref="Targets"/>' order.</summary>
    public required IReadOnlyList<Dense> Heads { get; init; }

    /// <summary>Whether each target's victim classifies it as the base class.</summary>
    public required IReadOnlyList<bool> Succeeded { get; init; }

    public required Dense ControlHead { get; init; }

    /// <summary>The poisons of every β setting, all targets together; the first made <see cref="Heads"/>.</summary>
    public required IReadOnlyList<CraftedPoisons> Poisons { get; init; }
}
