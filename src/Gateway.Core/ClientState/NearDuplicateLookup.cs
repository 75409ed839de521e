using NeuralSec.Detectors.Stream;

namespace NeuralSec.Gateway.ClientState;

/// <summary>What the near-duplicate store found for one query: either an exact repeat of an image some client sent
/// within the retention (<see cref="Repeat"/>: not a new query, neither matched nor added — a retry or a popular
/// image tells an attacker nothing new), or its best match among earlier queries.</summary>
internal sealed record NearDuplicateLookup(bool Repeat, NearDuplicateMatch Match)
{
    public static NearDuplicateLookup Repeated { get; } = new(true, new NearDuplicateMatch(0, []));
}
