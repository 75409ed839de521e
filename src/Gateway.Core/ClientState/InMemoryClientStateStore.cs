using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using NeuralSec.Gateway.Metrics;

namespace NeuralSec.Gateway.ClientState;

/// <summary>
/// The default <see cref="IClientStateStore"/>: one process's memory, bounded by
/// <see cref="ClientStateOptions.MaxEntries"/>. Buckets and sanctions are plain arithmetic on the host's clock (no
/// timer per client), so a hundred thousand clients cost a hundred thousand small objects and nothing else.
/// </summary>
internal sealed class InMemoryClientStateStore(IOptions<Options.GatewayOptions> options, TimeProvider time) : IClientStateStore
{
    private readonly int _maxEntries = options.Value.ClientState.MaxEntries;
    private readonly ConcurrentDictionary<ClientKey, Entry> _entries = new();
    private readonly Lock _evicting = new();

    public int Count => _entries.Count;

    public ValueTask<ClientAdmission> AdmitAsync(ClientKey key, TokenBucket? bucket, TokenBucket? throttled, CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        if (!_entries.TryGetValue(key, out var entry))
        {
            if (bucket is null && throttled is null)
            {
                // Nothing to spend and no sanction recorded: nothing to keep either.
                return ValueTask.FromResult(ClientAdmission.Admitted);
            }

            entry = Add(key, now);
        }

        lock (entry)
        {
            var sanctions = entry.ActiveSanctions(now);
            if ((sanctions & ClientSanctions.Blocked) != 0)
            {
                return ValueTask.FromResult(new ClientAdmission(time.GetElapsedTime(now, entry.BlockedUntil), sanctions));
            }

            var shape = (sanctions & ClientSanctions.Throttled) != 0 && throttled is not null ? throttled : bucket;
            if (shape is not { } s)
            {
                return ValueTask.FromResult(new ClientAdmission(null, sanctions));
            }

            entry.Tokens = s.Refill(entry.Tokens ?? s.Burst, time.GetElapsedTime(entry.Updated, now));
            entry.Updated = now;
            entry.Shape = s;
            if (entry.Tokens >= 1)
            {
                entry.Tokens -= 1;
                return ValueTask.FromResult(new ClientAdmission(null, sanctions));
            }

            return ValueTask.FromResult(new ClientAdmission(s.UntilOneToken(entry.Tokens.Value), sanctions));
        }
    }

    public ValueTask ImposeAsync(ClientKey key, ClientSanctions sanction, TimeSpan duration, CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        var until = now + (long)(duration.TotalSeconds * time.TimestampFrequency);
        var entry = _entries.TryGetValue(key, out var existing) ? existing : Add(key, now);
        lock (entry)
        {
            switch (sanction)
            {
                case ClientSanctions.Blocked:
                    entry.BlockedUntil = Math.Max(entry.BlockedUntil, until);
                    break;
                case ClientSanctions.Degraded:
                    entry.DegradedUntil = Math.Max(entry.DegradedUntil, until);
                    break;
                case ClientSanctions.Throttled:
                    entry.ThrottledUntil = Math.Max(entry.ThrottledUntil, until);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(sanction), sanction, "impose one sanction at a time");
            }
        }

        return ValueTask.CompletedTask;
    }

    public void RetainScopes(IReadOnlySet<string> liveScopes)
    {
        ArgumentNullException.ThrowIfNull(liveScopes);
        var removed = 0;
        foreach (var key in _entries.Keys)
        {
            if (!liveScopes.Contains(key.Scope) && _entries.TryRemove(key, out _))
            {
                removed++;
            }
        }

        GatewayMetrics.ClientStateEvictions.WithLabels("retired").Inc(removed);
        GatewayMetrics.ClientStateEntries.Set(_entries.Count);
    }

    private Entry Add(ClientKey key, long now)
    {
        if (_entries.Count >= _maxEntries)
        {
            Evict(now);
        }

        var entry = _entries.GetOrAdd(key, _ => new Entry(now));
        GatewayMetrics.ClientStateEntries.Set(_entries.Count);
        return entry;
    }

    /// <summary>Makes room down to 90 % of the bound, so the scan runs once per tenth of the bound's new clients:
    /// entries that are indistinguishable from new ones go first (refilled bucket, no sanction: dropping them changes
    /// nothing), then the least recently used unsanctioned ones, and sanctioned ones last.</summary>
    private void Evict(long now)
    {
        lock (_evicting)
        {
            var target = _maxEntries * 9 / 10;
            if (_entries.Count < _maxEntries)
            {
                return;
            }

            var idle = 0;
            var byAge = new List<(bool Sanctioned, long Updated, ClientKey Key)>(_entries.Count);
            foreach (var (key, entry) in _entries)
            {
                long updated;
                bool fresh;
                bool sanctioned;
                lock (entry)
                {
                    updated = entry.Updated;
                    sanctioned = entry.ActiveSanctions(now) != ClientSanctions.None;
                    fresh = !sanctioned && (entry.Shape is not { } shape || shape.Refill(entry.Tokens ?? shape.Burst, time.GetElapsedTime(updated, now)) >= shape.Burst);
                }

                if (fresh && _entries.TryRemove(key, out _))
                {
                    idle++;
                }
                else
                {
                    byAge.Add((sanctioned, updated, key));
                }
            }

            var capacity = 0;
            if (_entries.Count > target)
            {
                byAge.Sort((a, b) => a.Sanctioned != b.Sanctioned ? a.Sanctioned.CompareTo(b.Sanctioned) : a.Updated.CompareTo(b.Updated));
                foreach (var (_, _, key) in byAge)
                {
                    if (_entries.Count <= target)
                    {
                        break;
                    }

                    if (_entries.TryRemove(key, out _))
                    {
                        capacity++;
                    }
                }
            }

            GatewayMetrics.ClientStateEvictions.WithLabels("refilled").Inc(idle);
            GatewayMetrics.ClientStateEvictions.WithLabels("capacity").Inc(capacity);
        }
    }

    private sealed class Entry(long created)
    {
        /// <summary>The shape last spent from (the normal or the throttled bucket).</summary>
        public TokenBucket? Shape { get; set; }

        /// <summary>Tokens at <see cref="Updated"/>; null until the first spend (a full bucket).</summary>
        public double? Tokens { get; set; }

        public long Updated { get; set; } = created;

        public long BlockedUntil { get; set; }

        public long DegradedUntil { get; set; }

        public long ThrottledUntil { get; set; }

        public ClientSanctions ActiveSanctions(long now)
        {
            var active = ClientSanctions.None;
            if (BlockedUntil > now)
            {
                active |= ClientSanctions.Blocked;
            }

            if (DegradedUntil > now)
            {
                active |= ClientSanctions.Degraded;
            }

            if (ThrottledUntil > now)
            {
                active |= ClientSanctions.Throttled;
            }

            return active;
        }
    }
}
