using NeuralSec.Detectors.Stream;

namespace NeuralSec.Gateway.ClientState;

/// <summary>
/// The account-oblivious near-duplicate index (Blacklight): every client's query fingerprints in one index per
/// scope, so Sybil accounts cannot hide an attack by spreading it. In memory by default, shared by all replicas with
/// Redis. Bounded by capacity and retention; expired entries are never matched.
/// </summary>
internal interface INearDuplicateStore
{
    /// <summary>Matches <paramref name="fingerprint"/> against the live entries of <paramref name="scope"/>, then
    /// adds it (always, matched or not) to be remembered for <paramref name="retention"/>. Returns the best match
    /// with up to <paramref name="evidence"/> earlier queries.</summary>
    ValueTask<NearDuplicateMatch> MatchAndAddAsync(string scope, QueryFingerprint fingerprint, QueryReference query, int evidence, TimeSpan retention, CancellationToken cancellationToken);

    /// <summary>Forgets the index of every scope not in <paramref name="liveScopes"/>.</summary>
    void RetainScopes(IReadOnlySet<string> liveScopes);
}
