using NeuralSec.Detectors.Stream;

namespace NeuralSec.Gateway.ClientState;

/// <summary>What the near-duplicate store found for one query: either an exact repeat of an image some client sent
/// within the retention (<see cref="Repeat"/>: not a new query, neither matched nor added — a retry or a popular
/// image tells an attacker nothing new), or its best match among earlier queries. A repeat of an image whose first
/// sender was degraded when it sent it names that send (<see cref="DegradedOriginal"/>), so the repeat can be
/// answered as the first send was: another account re-sending it byte for byte must not get the answer the degraded
/// one was denied.</summary>
internal sealed record NearDuplicateLookup(bool Repeat, NearDuplicateMatch Match)
{
    public static NearDuplicateLookup Repeated { get; } = new(true, new NearDuplicateMatch(0, []));

    /// <summary>For a repeat: the first send of the image, when its sender was degraded; else null.</summary>
    public QueryReference? DegradedOriginal { get; init; }

    public static NearDuplicateLookup RepeatOf(QueryReference? degradedOriginal) =>
        degradedOriginal is null ? Repeated : Repeated with { DegradedOriginal = degradedOriginal };
}
