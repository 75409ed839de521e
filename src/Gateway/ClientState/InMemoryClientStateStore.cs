using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using NeuralSec.Gateway.Metrics;

namespace NeuralSec.Gateway.ClientState;

/// <summary>
/// The default <see cref="IClientStateStore"/>: one process's memory, bounded by
/// <see cref="ClientStateOptions.MaxEntries"/>. Buckets are plain arithmetic on the host's clock (no timer per
/// bucket), so a hundred thousand clients cost a hundred thousand small objects and nothing else.
/// </summary>
internal sealed class InMemoryClientStateStore(IOptions<Options.GatewayOptions> options, TimeProvider time) : IClientStateStore
{
    private readonly int _maxEntries = options.Value.ClientState.MaxEntries;
    private readonly ConcurrentDictionary<ClientKey, Bucket> _buckets = new();
    private readonly Lock _evicting = new();

    public int Count => _buckets.Count;

    public ValueTask<TimeSpan?> TryTakeAsync(ClientKey key, TokenBucket bucket, CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        if (!_buckets.TryGetValue(key, out var state))
        {
            if (_buckets.Count >= _maxEntries)
            {
                Evict(now);
            }

            state = _buckets.GetOrAdd(key, _ => new Bucket(bucket, now));
            GatewayMetrics.ClientStateEntries.Set(_buckets.Count);
        }

        lock (state)
        {
            state.Tokens = bucket.Refill(state.Tokens, time.GetElapsedTime(state.Updated, now));
            state.Updated = now;
            if (state.Tokens >= 1)
            {
                state.Tokens -= 1;
                return ValueTask.FromResult<TimeSpan?>(null);
            }

            return ValueTask.FromResult<TimeSpan?>(bucket.UntilOneToken(state.Tokens));
        }
    }

    public void RetainScopes(IReadOnlySet<string> liveScopes)
    {
        ArgumentNullException.ThrowIfNull(liveScopes);
        var removed = 0;
        foreach (var key in _buckets.Keys)
        {
            if (!liveScopes.Contains(key.Scope) && _buckets.TryRemove(key, out _))
            {
                removed++;
            }
        }

        GatewayMetrics.ClientStateEvictions.WithLabels("retired").Inc(removed);
        GatewayMetrics.ClientStateEntries.Set(_buckets.Count);
    }

    /// <summary>Makes room down to 90 % of the bound, so the scan runs once per tenth of the bound's new clients:
    /// refilled buckets first (dropping them changes nothing), then the least recently used.</summary>
    private void Evict(long now)
    {
        lock (_evicting)
        {
            var target = _maxEntries * 9 / 10;
            if (_buckets.Count < _maxEntries)
            {
                return;
            }

            var idle = 0;
            var byAge = new List<(long Updated, ClientKey Key)>(_buckets.Count);
            foreach (var (key, bucket) in _buckets)
            {
                long updated;
                bool full;
                lock (bucket)
                {
                    updated = bucket.Updated;
                    full = bucket.Shape.Refill(bucket.Tokens, time.GetElapsedTime(updated, now)) >= bucket.Shape.Burst;
                }

                if (full && _buckets.TryRemove(key, out _))
                {
                    idle++;
                }
                else
                {
                    byAge.Add((updated, key));
                }
            }

            var capacity = 0;
            if (_buckets.Count > target)
            {
                byAge.Sort((a, b) => a.Updated.CompareTo(b.Updated));
                foreach (var (_, key) in byAge)
                {
                    if (_buckets.Count <= target)
                    {
                        break;
                    }

                    if (_buckets.TryRemove(key, out _))
                    {
                        capacity++;
                    }
                }
            }

            GatewayMetrics.ClientStateEvictions.WithLabels("refilled").Inc(idle);
            GatewayMetrics.ClientStateEvictions.WithLabels("capacity").Inc(capacity);
        }
    }

    private sealed class Bucket(TokenBucket shape, long updated)
    {
        public TokenBucket Shape { get; } = shape;

        public double Tokens { get; set; } = shape.Burst;

        public long Updated { get; set; } = updated;
    }
}
