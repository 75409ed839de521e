using System.Buffers;
using System.Runtime.InteropServices;

namespace NeuralSec.Detectors.Stream;

/// <summary>
/// The account-oblivious fingerprint store all clients share (Blacklight's "hash table"): a FIFO of entries numbered by
/// insertion, and inverted postings hash → the sequence numbers of the recent entries holding it. An entry leaves when the
/// index holds <c>capacity</c> newer ones or when it is older than <c>retention</c> (Blacklight resets its store daily); each
/// hash keeps only its newest <c>maxPostingsPerHash</c> postings, so a hash every query shares (a blank region no window skip
/// caught) costs bounded work. Memory is bounded by capacity × fingerprint size (see <see cref="ApproximateBytes"/>).
/// Thread-safe: one lock; a match is O(S · maxPostingsPerHash).
/// </summary>
public sealed class NearDuplicateIndex
{
    /// <summary>Most evidence one match may ask for.</summary>
    public const int MaxEvidence = 100;

    // Rough managed sizes: a dictionary entry (key, value struct, hash code, next) plus its bucket; a ring slot with the
    // fingerprint object and the reference's strings; an array header.
    private const int PostingBytes = 8 + 24 + 8 + 4;
    private const int SlotBytes = 56;
    private const int EntryBytes = 32 + (2 * 22);
    private const int ArrayHeaderBytes = 24;

    private readonly int _capacity;
    private readonly TimeSpan _retention;
    private readonly TimeProvider _time;
    private readonly int _maxPostings;
    private Entry[] _ring = new Entry[16];
    private ushort[] _counts = [];
    private int _head;
    private int _count;
    private readonly Dictionary<ulong, Postings> _postings = [];
    private readonly Lock _lock = new();
    private long _nextSequence;
    private long _evicted;
    private long _entryBytes;
    private long _overflowBytes;

    /// <param name="capacity">Most entries held.</param>
    /// <param name="retention">How long an entry stays matchable.</param>
    /// <param name="time">The clock retention is measured on.</param>
    /// <param name="maxPostingsPerHash">Newest entries remembered per hash.</param>
    public NearDuplicateIndex(int capacity, TimeSpan retention, TimeProvider time, int maxPostingsPerHash = 64)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retention, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPostingsPerHash, 1);
        _capacity = capacity;
        _retention = retention;
        _time = time;
        _maxPostings = maxPostingsPerHash;
    }

    /// <summary>Live entries.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>Estimated managed memory held: entries, their hashes and the postings.</summary>
    public long ApproximateBytes
    {
        get
        {
            lock (_lock)
            {
                return (_ring.Length * (long)SlotBytes) + (_counts.Length * (long)sizeof(ushort)) + _entryBytes + (_postings.Count * (long)PostingBytes) + _overflowBytes;
            }
        }
    }

    /// <summary>Entries dropped so far, for capacity or age.</summary>
    public long Evicted
    {
        get
        {
            lock (_lock)
            {
                return _evicted;
            }
        }
    }

    /// <summary>Matches the fingerprint against the live entries, then inserts it (always, even when it matches: Blacklight
    /// stores flagged queries too, so an attack's next step matches its last).</summary>
    /// <param name="fingerprint">The query's fingerprint.</param>
    /// <param name="query">What the entry points at when a later query matches it.</param>
    /// <param name="evidence">How many earlier queries to report, best first (0 to <see cref="MaxEvidence"/>).</param>
    public NearDuplicateMatch MatchAndAdd(QueryFingerprint fingerprint, QueryReference query, int evidence)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        ArgumentOutOfRangeException.ThrowIfNegative(evidence);
        evidence = Math.Min(evidence, MaxEvidence);
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            Expire(now);
            var match = Match(fingerprint.Span, evidence);
            Add(fingerprint, query, now);
            return match;
        }
    }

    private NearDuplicateMatch Match(ReadOnlySpan<ulong> hashes, int evidence)
    {
        var total = 0;
        foreach (var hash in hashes)
        {
            if (_postings.TryGetValue(hash, out var postings))
            {
                total += postings.Count;
            }
        }

        if (total == 0)
        {
            return new NearDuplicateMatch(0, []);
        }

        // Each entry holds a hash once and each posting list names an entry once, so the times a live entry is named is
        // the hashes it shares. Counted in a per-index array by the entry's offset from the oldest (no sort: a match on a
        // view whose digits share many windows scans up to S · maxPostingsPerHash postings); the array is all zero
        // between matches.
        if (_counts.Length < _count)
        {
            _counts = new ushort[_ring.Length];
        }

        var pool = ArrayPool<long>.Shared.Rent(total);
        var touched = ArrayPool<int>.Shared.Rent(total);
        try
        {
            var sequences = pool.AsSpan(0, total);
            var n = 0;
            foreach (var hash in hashes)
            {
                if (_postings.TryGetValue(hash, out var postings))
                {
                    n += postings.CopyTo(sequences[n..]);
                }
            }

            var oldest = _nextSequence - _count;
            var distinct = 0;
            foreach (var sequence in sequences)
            {
                var offset = sequence - oldest;
                if ((ulong)offset < (ulong)_count && _counts[offset]++ == 0)
                {
                    touched[distinct++] = (int)offset;
                }
            }

            var best = 0;
            var top = new List<(int Shared, long Sequence)>(evidence + 1);
            foreach (var offset in touched.AsSpan(0, distinct))
            {
                int shared = _counts[offset];
                _counts[offset] = 0;
                best = Math.Max(best, shared);
                if (evidence > 0)
                {
                    Offer(top, (shared, oldest + offset), evidence);
                }
            }

            var earlier = new QueryReference[top.Count];
            var shares = new int[top.Count];
            for (var k = 0; k < top.Count; k++)
            {
                earlier[k] = EntryAt(top[k].Sequence - oldest).Query;
                shares[k] = top[k].Shared;
            }

            return new NearDuplicateMatch(best, earlier, shares);
        }
        finally
        {
            ArrayPool<long>.Shared.Return(pool);
            ArrayPool<int>.Shared.Return(touched);
        }
    }

    // Keeps the best `size` by shared count, newest first among equals; small lists, insertion is fine.
    private static void Offer(List<(int Shared, long Sequence)> top, (int Shared, long Sequence) candidate, int size)
    {
        var at = top.Count;
        while (at > 0 && (top[at - 1].Shared < candidate.Shared || (top[at - 1].Shared == candidate.Shared && top[at - 1].Sequence < candidate.Sequence)))
        {
            at--;
        }

        if (at < size)
        {
            top.Insert(at, candidate);
            if (top.Count > size)
            {
                top.RemoveAt(top.Count - 1);
            }
        }
    }

    private Entry EntryAt(long offset) => _ring[(int)((_head + offset) % _ring.Length)];

    private void Add(QueryFingerprint fingerprint, QueryReference query, DateTimeOffset now)
    {
        if (_count >= _capacity)
        {
            Evict();
        }
        else if (_count == _ring.Length)
        {
            // Grow towards the capacity: memory follows use, not the configured bound.
            var larger = new Entry[(int)Math.Min(_capacity, _ring.Length * 2L)];
            for (var i = 0; i < _count; i++)
            {
                larger[i] = _ring[(_head + i) % _ring.Length];
            }

            _ring = larger;
            _head = 0;
        }

        var sequence = _nextSequence++;
        foreach (var hash in fingerprint.Span)
        {
            ref var postings = ref CollectionsMarshal.GetValueRefOrAddDefault(_postings, hash, out _);
            _overflowBytes += postings.Add(sequence, _maxPostings);
        }

        _ring[(_head + _count) % _ring.Length] = new Entry(fingerprint, query, now);
        _count++;
        _entryBytes += Bytes(fingerprint, query);
    }

    private void Expire(DateTimeOffset now)
    {
        var cutoff = now - _retention;
        while (_count > 0 && _ring[_head].Added <= cutoff)
        {
            Evict();
        }
    }

    private void Evict()
    {
        var entry = _ring[_head];
        var sequence = _nextSequence - _count;
        _ring[_head] = default;
        _head = (_head + 1) % _ring.Length;
        _count--;
        foreach (var hash in entry.Fingerprint.Span)
        {
            ref var postings = ref CollectionsMarshal.GetValueRefOrNullRef(_postings, hash);
            if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref postings))
            {
                continue;
            }

            _overflowBytes += postings.RemoveOldest(sequence);
            if (postings.Count == 0)
            {
                _postings.Remove(hash);
            }
        }

        _entryBytes -= Bytes(entry.Fingerprint, entry.Query);
        _evicted++;
    }

    private static long Bytes(QueryFingerprint fingerprint, QueryReference query) =>
        EntryBytes + ArrayHeaderBytes + (fingerprint.Count * sizeof(ulong)) + (2L * ((query.RequestId?.Length ?? 0) + (query.ClientId?.Length ?? 0)));

    private readonly record struct Entry(QueryFingerprint Fingerprint, QueryReference Query, DateTimeOffset Added);

    /// <summary>The sequence numbers holding one hash, oldest first: one inline (most hashes are in one entry), the rest in a
    /// small ring that grows to the cap and then drops its oldest.</summary>
    private struct Postings
    {
        private long _single;
        private long[]? _ring;
        private int _start;

        public int Count { get; private set; }

        /// <summary>Adds the newest; returns the change in overflow bytes.</summary>
        public long Add(long sequence, int max)
        {
            if (Count == 0 && _ring is null)
            {
                _single = sequence;
                Count = 1;
                return 0;
            }

            long grown = 0;
            if (_ring is null)
            {
                _ring = new long[Math.Min(4, max)];
                _ring[0] = _single;
                _start = 0;
                grown = ArrayHeaderBytes + (_ring.Length * sizeof(long));
            }

            if (Count == _ring.Length && _ring.Length < max)
            {
                var larger = new long[Math.Min(max, _ring.Length * 2)];
                for (var i = 0; i < Count; i++)
                {
                    larger[i] = _ring[(_start + i) % _ring.Length];
                }

                grown += (larger.Length - _ring.Length) * sizeof(long);
                _ring = larger;
                _start = 0;
            }

            if (Count == _ring.Length)
            {
                // Full at the cap: the newest replaces the oldest.
                _ring[_start] = sequence;
                _start = (_start + 1) % _ring.Length;
            }
            else
            {
                _ring[(_start + Count) % _ring.Length] = sequence;
                Count++;
            }

            return grown;
        }

        /// <summary>Drops the sequence if it is the oldest held (entries leave oldest first; one already pushed out by the
        /// cap is not there); returns the change in overflow bytes.</summary>
        public long RemoveOldest(long sequence)
        {
            if (_ring is null)
            {
                if (Count == 1 && _single == sequence)
                {
                    Count = 0;
                }

                return 0;
            }

            if (Count > 0 && _ring[_start] == sequence)
            {
                _start = (_start + 1) % _ring.Length;
                Count--;
            }

            if (Count == 0)
            {
                var freed = ArrayHeaderBytes + (_ring.Length * (long)sizeof(long));
                _ring = null;
                return -freed;
            }

            return 0;
        }

        public readonly int CopyTo(Span<long> destination)
        {
            if (_ring is null)
            {
                if (Count == 1)
                {
                    destination[0] = _single;
                }

                return Count;
            }

            for (var i = 0; i < Count; i++)
            {
                destination[i] = _ring[(_start + i) % _ring.Length];
            }

            return Count;
        }
    }
}
