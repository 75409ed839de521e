using NeuralSec.Gateway.ClientState;
using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.RateLimiting;

/// <summary>
/// The policy's per-client token bucket, kept in the injected <see cref="IClientStateStore"/>. Buckets are scoped by
/// the policy's revision (<see cref="Scope"/>), so a reload with a new budget starts fresh buckets and the retired
/// revision's are dropped.
/// </summary>
internal sealed class ClientRateLimiter(IClientStateStore store)
{
    /// <summary>The state scope of a policy revision.</summary>
    public static string Scope(FirewallPolicy policy) => $"{policy.Name}@{policy.Revision}";

    /// <summary>Takes one token. Returns null when granted, else how long until one is available.</summary>
    public ValueTask<TimeSpan?> TryAcquireAsync(FirewallPolicy policy, string client, CancellationToken cancellationToken)
    {
        var limit = policy.RateLimit!;
        return store.TryTakeAsync(new ClientKey(Scope(policy), client), new TokenBucket(limit.TokensPerSecond, limit.Burst), cancellationToken);
    }
}
