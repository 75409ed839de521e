namespace NeuralSec.Gateway.ClientState;

/// <summary>
/// Per-client state the request path keeps between requests — rate-limit buckets and the sanctions stream detectors
/// impose — behind one injected seam, so the in-memory store (<see cref="InMemoryClientStateStore"/>) can be replaced
/// by one shared across replicas (Redis) without touching the stages. Every operation is keyed by a scope and a
/// client id; scopes a reload retired are dropped whole. A store that cannot answer (its backing service is down)
/// throws <see cref="ClientStateUnavailableException"/>, and the stage applies the policy's fail-open/closed rule.
/// </summary>
internal interface IClientStateStore
{
    /// <summary>
    /// Admits one request in one round trip: reads the client's active sanctions and, unless it is blocked, takes
    /// one token from its bucket — from <paramref name="throttled"/> when a throttle sanction is active, else from
    /// <paramref name="bucket"/> (either may be null: no budget). A bucket is created full; a smaller shape caps the
    /// tokens already there.
    /// </summary>
    ValueTask<ClientAdmission> AdmitAsync(ClientKey key, TokenBucket? bucket, TokenBucket? throttled, CancellationToken cancellationToken);

    /// <summary>Imposes <paramref name="sanction"/> (one flag) on the client for <paramref name="duration"/> from
    /// now; an active sanction of the same kind is extended, never shortened.</summary>
    ValueTask ImposeAsync(ClientKey key, ClientSanctions sanction, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>Forgets every entry whose scope is not in <paramref name="liveScopes"/> (a reload retired it).</summary>
    void RetainScopes(IReadOnlySet<string> liveScopes);
}
