namespace NeuralSec.Gateway.ClientState;

/// <summary>
/// Per-client state the request path keeps between requests — today the rate-limit buckets, next the query-stream
/// detectors' history — behind one injected seam, so the in-memory store (<see cref="InMemoryClientStateStore"/>) can
/// be replaced by one shared across replicas without touching the stages. Every operation is keyed by a scope (the
/// policy revision it belongs to) and a client id; scopes of retired policy revisions are dropped whole.
/// </summary>
internal interface IClientStateStore
{
    /// <summary>Takes one token from the client's bucket (created full). Null when granted, else how long until a
    /// token is there.</summary>
    ValueTask<TimeSpan?> TryTakeAsync(ClientKey key, TokenBucket bucket, CancellationToken cancellationToken);

    /// <summary>Forgets every entry whose scope is not in <paramref name="liveScopes"/> (a reload retired it).</summary>
    void RetainScopes(IReadOnlySet<string> liveScopes);
}
