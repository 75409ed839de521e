using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using NeuralSec.Gateway.Metrics;

namespace NeuralSec.Gateway.ClientState;

/// <summary>
/// The default <see cref="IClientHistoryStore"/>: state objects in this process's memory, one per client, scope and
/// codec, updated under the entry's lock. Bounded twice: at most <see cref="ClientStateOptions.MaxHistories"/>
/// entries and <see cref="ClientStateOptions.MaxHistoryBytes"/> bytes of state (the codecs' own measure); past
/// either, those idle past their expiry go first, then the least recently used. An evicted client starts afresh — it loses its history, which errs in
/// its favour, so the bound must be sized for the clients a deployment wants watched (metrics say when it bites).
/// </summary>
internal sealed class InMemoryClientHistoryStore(IOptions<Options.GatewayOptions> options, TimeProvider time) : IClientHistoryStore
{
    private readonly int _maxEntries = options.Value.ClientState.MaxHistories;
    private readonly long _maxBytes = options.Value.ClientState.MaxHistoryBytes;
    private readonly ConcurrentDictionary<(ClientKey Key, string Codec), Entry> _entries = new();
    private readonly Lock _evicting = new();
    private long _bytes;

    public int Count => _entries.Count;

    public long Bytes => Interlocked.Read(ref _bytes);

    public ValueTask<TResult> UpdateAsync<TState, TResult>(ClientKey key, IClientStateCodec<TState> codec, Func<TState, TResult> update, TimeSpan idleExpiry, CancellationToken cancellationToken)
        where TState : class
    {
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentNullException.ThrowIfNull(update);
        var id = (key, codec.Name);
        if (!_entries.TryGetValue(id, out var entry))
        {
            if (_entries.Count >= _maxEntries || Bytes >= _maxBytes)
            {
                Evict();
            }

            entry = _entries.GetOrAdd(id, _ => new Entry());
        }

        lock (entry)
        {
            var state = entry.State as TState ?? codec.Create();
            var result = update(state);
            entry.State = state;
            entry.Used = time.GetTimestamp();
            entry.ExpiresAt = entry.Used + (long)(idleExpiry.TotalSeconds * time.TimestampFrequency);
            var size = codec.SizeOf(state);
            Interlocked.Add(ref _bytes, size - entry.Size);
            entry.Size = size;
            GatewayMetrics.ClientHistoryBytes.Set(Bytes);
            GatewayMetrics.ClientHistoryEntries.Set(_entries.Count);
            return ValueTask.FromResult(result);
        }
    }

    /// <summary>Runs the update on the whole state object: nothing is serialised here, so there is nothing to save by
    /// reading one part (the results are those of the parts, as the codec's forms are of one state).</summary>
    public ValueTask<TResult> UpdatePartAsync<TState, TResult>(ClientKey key, IPartitionedClientStateCodec<TState> codec, int part, Func<TState, TResult> update, TimeSpan idleExpiry, CancellationToken cancellationToken)
        where TState : class
    {
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentOutOfRangeException.ThrowIfNegative(part);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(part, codec.PartCount);
        return UpdateAsync(key, codec, update, idleExpiry, cancellationToken);
    }

    public void RetainScopes(IReadOnlySet<string> liveScopes)
    {
        ArgumentNullException.ThrowIfNull(liveScopes);
        var removed = 0;
        foreach (var id in _entries.Keys)
        {
            if (!liveScopes.Contains(id.Key.Scope) && Remove(id))
            {
                removed++;
            }
        }

        GatewayMetrics.ClientStateEvictions.WithLabels("retired").Inc(removed);
        GatewayMetrics.ClientHistoryEntries.Set(_entries.Count);
    }

    private bool Remove((ClientKey, string) id)
    {
        if (!_entries.TryRemove(id, out var entry))
        {
            return false;
        }

        lock (entry)
        {
            Interlocked.Add(ref _bytes, -entry.Size);
            entry.Size = 0;
        }

        GatewayMetrics.ClientHistoryBytes.Set(Bytes);
        return true;
    }

    /// <summary>Drops the least recently used down to 90 % of both bounds, so the scan runs rarely.</summary>
    private void Evict()
    {
        lock (_evicting)
        {
            if (_entries.Count < _maxEntries && Bytes < _maxBytes)
            {
                return;
            }

            var now = time.GetTimestamp();
            var byAge = _entries.Select(e => (Expired: e.Value.ExpiresAt <= now, e.Value.Used, e.Key)).ToList();
            byAge.Sort((a, b) => a.Expired != b.Expired ? b.Expired.CompareTo(a.Expired) : a.Used.CompareTo(b.Used));
            var evicted = 0;
            foreach (var (_, _, id) in byAge)
            {
                if (_entries.Count <= _maxEntries * 9 / 10 && Bytes <= _maxBytes * 9 / 10)
                {
                    break;
                }

                if (Remove(id))
                {
                    evicted++;
                }
            }

            GatewayMetrics.ClientStateEvictions.WithLabels("history").Inc(evicted);
            GatewayMetrics.ClientHistoryEntries.Set(_entries.Count);
        }
    }

    private sealed class Entry
    {
        public object? State { get; set; }

        public int Size { get; set; }

        /// <summary>Timestamp of the last update (a 64-bit read or write is atomic here).</summary>
        public long Used { get; set; }

        /// <summary>Timestamp after which an idle entry may be dropped first.</summary>
        public long ExpiresAt { get; set; }
    }
}
