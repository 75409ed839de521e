using NeuralSec.Detectors.Stream;

namespace NeuralSec.Gateway.ClientState;

/// <summary>
/// The account-oblivious near-duplicate index (Blacklight): every client's query fingerprints in one index per
/// scope, so Sybil accounts cannot hide an attack by spreading it. In memory by default, shared by all replicas with
/// Redis. Bounded by capacity and retention; expired entries are never matched.
/// </summary>
internal interface INearDuplicateStore
{
    /// <summary>Unless <paramref name="contentHash"/> (a hash of the exact image) was seen in <paramref name="scope"/>
    /// within <paramref name="retention"/> — an exact repeat, reported as such — matches
    /// <paramref name="fingerprint"/> against the live entries, then adds it (matched or not) to be remembered for
    /// <paramref name="retention"/>. Returns the best match with up to <paramref name="evidence"/> earlier queries.
    /// The first send of an image by a degraded client (<see cref="QueryReference.FromDegradedClient"/>) is remembered
    /// as such, and a repeat of it names it (<see cref="NearDuplicateLookup.DegradedOriginal"/>); evidence keeps the
    /// flag too.</summary>
    ValueTask<NearDuplicateLookup> MatchAndAddAsync(string scope, QueryFingerprint fingerprint, ulong contentHash, QueryReference query, int evidence, TimeSpan retention, CancellationToken cancellationToken);

    /// <summary>Marks the image <paramref name="contentHash"/>, just added, as sent degraded by <paramref name="query"/>
    /// (flagged <see cref="QueryReference.FromDegradedClient"/>: its answer was degraded though its sender was not — a
    /// copy of a degraded send, or the query whose answer a flag degraded), so repeats of it are answered as it was;
    /// nothing when the image is no longer remembered.</summary>
    ValueTask MarkDegradedAsync(string scope, ulong contentHash, QueryReference query, CancellationToken cancellationToken);

    /// <summary>Forgets the index of every scope not in <paramref name="liveScopes"/>.</summary>
    void RetainScopes(IReadOnlySet<string> liveScopes);
}
