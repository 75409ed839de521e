using System.Threading.RateLimiting;
using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.RateLimiting;

/// <summary>
/// A token bucket per (policy revision, client). Partitions are keyed by the policy's revision, so a reload with
/// a new budget starts fresh buckets while idle old ones are reclaimed by the partitioned limiter.
/// </summary>
internal sealed class ClientRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<(FirewallPolicy Policy, string Client)> _limiter =
        PartitionedRateLimiter.Create<(FirewallPolicy Policy, string Client), string>(key =>
        {
            var limit = key.Policy.RateLimit!;
            return RateLimitPartition.GetTokenBucketLimiter(
                $"{key.Policy.Name}@{key.Policy.Revision}|{key.Client}",
                _ => BucketOptions(limit));
        });

    /// <summary>Takes one token. Returns null when granted, else how long until one is available.</summary>
    public TimeSpan? TryAcquire(FirewallPolicy policy, string client)
    {
        using var lease = _limiter.AttemptAcquire((policy, client));
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
    }

    public void Dispose() => _limiter.Dispose();

    private static TokenBucketRateLimiterOptions BucketOptions(RateLimitPolicy limit)
    {
        // Fractional rates (0.5/s) become one token per longer period; very high rates batch tokens per
        // millisecond so the replenishment timer stays cheap.
        var period = TimeSpan.FromSeconds(1 / limit.TokensPerSecond);
        var tokensPerPeriod = 1;
        if (period < TimeSpan.FromMilliseconds(1))
        {
            period = TimeSpan.FromMilliseconds(1);
            tokensPerPeriod = (int)Math.Ceiling(limit.TokensPerSecond / 1000);
        }

        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = limit.Burst,
            TokensPerPeriod = tokensPerPeriod,
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = true,
        };
    }
}
