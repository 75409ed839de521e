using NeuralSec.Gateway.ClientState;
using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.RateLimiting;

/// <summary>
/// The policy's per-client budget and the stream detectors' sanctions, kept in the injected
/// <see cref="IClientStateStore"/> and read in one round trip. State is scoped by the policy's name
/// (<see cref="Scope"/>): a reload with a new budget reshapes a client's bucket (never refills it) and keeps its
/// sanctions, so an edit gives no one a fresh start; a policy that is deleted takes its clients' state with it.
/// </summary>
internal sealed class ClientRateLimiter(IClientStateStore store)
{
    /// <summary>The state scope of a policy.</summary>
    public static string Scope(FirewallPolicy policy) => policy.Name;

    public static ClientKey Key(FirewallPolicy policy, string client) => new(Scope(policy), client);

    /// <summary>Reads the client's sanctions and takes one token from its budget (the throttled one while a
    /// throttle sanction is active).</summary>
    public ValueTask<ClientAdmission> AdmitAsync(FirewallPolicy policy, string client, CancellationToken cancellationToken)
    {
        var bucket = policy.RateLimit is { } limit ? new TokenBucket(limit.TokensPerSecond, limit.Burst) : (TokenBucket?)null;
        var throttled = policy.Extraction?.Throttle is { } slow ? new TokenBucket(slow.TokensPerSecond, slow.Burst) : (TokenBucket?)null;
        return store.AdmitAsync(Key(policy, client), bucket, throttled, cancellationToken);
    }

    /// <summary>Imposes a stream detector's sanction on the client for the policy's cooldown.</summary>
    public ValueTask ImposeAsync(FirewallPolicy policy, string client, ClientSanctions sanction, TimeSpan duration, CancellationToken cancellationToken)
        => store.ImposeAsync(Key(policy, client), sanction, duration, cancellationToken);
}
