using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using NeuralSec.Detectors.Stream;
using NeuralSec.Gateway.Metrics;

namespace NeuralSec.Gateway.ClientState;

/// <summary>
/// The default <see cref="INearDuplicateStore"/>: one <see cref="NearDuplicateIndex"/> per scope (policy) in this
/// process's memory, each bounded by <see cref="ClientStateOptions.NearDuplicateCapacity"/> queries and by its
/// retention. A policy whose window changes gets a fresh index with the new retention.
/// </summary>
internal sealed class InMemoryNearDuplicateStore(IOptions<Options.GatewayOptions> options, TimeProvider time) : INearDuplicateStore
{
    private readonly int _capacity = options.Value.ClientState.NearDuplicateCapacity;
    private readonly ConcurrentDictionary<string, (TimeSpan Retention, NearDuplicateIndex Index)> _indexes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RecentContent> _contents = new(StringComparer.Ordinal);

    public long ApproximateBytes => _indexes.Values.Sum(i => i.Index.ApproximateBytes);

    public int Count => _indexes.Values.Sum(i => i.Index.Count);

    public ValueTask<NearDuplicateLookup> MatchAndAddAsync(string scope, QueryFingerprint fingerprint, ulong contentHash, QueryReference query, int evidence, TimeSpan retention, CancellationToken cancellationToken)
    {
        var contents = _contents.GetOrAdd(scope, _ => new RecentContent(_capacity));
        if (contents.SeenOrAdd(contentHash, time.GetTimestamp(), (long)(retention.TotalSeconds * time.TimestampFrequency), query.FromDegradedClient ? query : null, out var original))
        {
            return ValueTask.FromResult(NearDuplicateLookup.RepeatOf(original));
        }

        var entry = _indexes.GetOrAdd(scope, _ => (retention, new NearDuplicateIndex(_capacity, retention, time)));
        if (entry.Retention != retention)
        {
            var fresh = (retention, new NearDuplicateIndex(_capacity, retention, time));
            entry = _indexes.TryUpdate(scope, fresh, entry) ? fresh : _indexes[scope];
        }

        var match = entry.Index.MatchAndAdd(fingerprint, query, evidence);
        GatewayMetrics.NearDuplicateEntries.Set(Count);
        return ValueTask.FromResult(new NearDuplicateLookup(false, match));
    }

    public ValueTask MarkDegradedAsync(string scope, ulong contentHash, QueryReference query, CancellationToken cancellationToken)
    {
        if (_contents.TryGetValue(scope, out var contents))
        {
            contents.MarkDegraded(contentHash, query);
        }

        return ValueTask.CompletedTask;
    }

    public void RetainScopes(IReadOnlySet<string> liveScopes)
    {
        ArgumentNullException.ThrowIfNull(liveScopes);
        foreach (var scope in _indexes.Keys)
        {
            if (!liveScopes.Contains(scope))
            {
                _indexes.TryRemove(scope, out _);
                _contents.TryRemove(scope, out _);
            }
        }

        GatewayMetrics.NearDuplicateEntries.Set(Count);
    }

    /// <summary>Exact-image hashes of a scope with the time each was last seen and, for an image whose first sender
    /// was degraded, that send (a second map, so benign traffic costs it nothing), bounded like the index:
    /// past the capacity the oldest half goes (a repeat then counts as new once, which errs towards looking closer).</summary>
    private sealed class RecentContent(int capacity)
    {
        private readonly Dictionary<ulong, long> _seen = [];
        private readonly Dictionary<ulong, QueryReference> _degraded = [];
        private readonly Lock _lock = new();

        public bool SeenOrAdd(ulong hash, long now, long retention, QueryReference? degraded, out QueryReference? original)
        {
            lock (_lock)
            {
                if (_seen.TryGetValue(hash, out var at) && now - at < retention)
                {
                    _seen[hash] = now;
                    original = _degraded.TryGetValue(hash, out var first) ? first : null;
                    return true;
                }

                if (_seen.Count >= capacity)
                {
                    var cutoff = _seen.Values.Order().ElementAt(_seen.Count / 2);
                    foreach (var (key, value) in _seen.ToArray())
                    {
                        if (value <= cutoff)
                        {
                            _seen.Remove(key);
                            _degraded.Remove(key);
                        }
                    }
                }

                _seen[hash] = now;
                if (degraded is { } send)
                {
                    _degraded[hash] = send;
                }
                else
                {
                    _degraded.Remove(hash);
                }

                original = null;
                return false;
            }
        }

        public void MarkDegraded(ulong hash, QueryReference send)
        {
            lock (_lock)
            {
                if (_seen.ContainsKey(hash))
                {
                    _degraded[hash] = send;
                }
            }
        }
    }
}
