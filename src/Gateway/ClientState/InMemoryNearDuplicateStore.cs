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

    public long ApproximateBytes => _indexes.Values.Sum(i => i.Index.ApproximateBytes);

    public int Count => _indexes.Values.Sum(i => i.Index.Count);

    public ValueTask<NearDuplicateMatch> MatchAndAddAsync(string scope, QueryFingerprint fingerprint, QueryReference query, int evidence, TimeSpan retention, CancellationToken cancellationToken)
    {
        var entry = _indexes.GetOrAdd(scope, _ => (retention, new NearDuplicateIndex(_capacity, retention, time)));
        if (entry.Retention != retention)
        {
            var fresh = (retention, new NearDuplicateIndex(_capacity, retention, time));
            entry = _indexes.TryUpdate(scope, fresh, entry) ? fresh : _indexes[scope];
        }

        var match = entry.Index.MatchAndAdd(fingerprint, query, evidence);
        GatewayMetrics.NearDuplicateEntries.Set(Count);
        return ValueTask.FromResult(match);
    }

    public void RetainScopes(IReadOnlySet<string> liveScopes)
    {
        ArgumentNullException.ThrowIfNull(liveScopes);
        foreach (var scope in _indexes.Keys)
        {
            if (!liveScopes.Contains(scope))
            {
                _indexes.TryRemove(scope, out _);
            }
        }

        GatewayMetrics.NearDuplicateEntries.Set(Count);
    }
}
