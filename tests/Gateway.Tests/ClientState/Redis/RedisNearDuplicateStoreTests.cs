using NeuralSec.Detectors.Stream;
using NeuralSec.Gateway.ClientState.Redis;
using NeuralSec.Gateway.Tests.Infrastructure;

namespace NeuralSec.Gateway.Tests.ClientState.Redis;

/// <summary>The shared near-duplicate index against a real redis-server: a query matches near-duplicates other
/// clients sent through another replica (account-oblivious), evidence is best first and bounded, and the index is
/// bounded three ways (capacity, postings per hash, retention) with its keys.</summary>
public sealed class RedisNearDuplicateStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Then = new(2026, 12, 1, 10, 30, 0, TimeSpan.FromHours(1));
    private RedisServer _redis = null!;
    private RedisConnection _replicaA = null!;
    private RedisConnection _replicaB = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _replicaA = RedisStores.Connect(_redis, Bounds);
        _replicaB = RedisStores.Connect(_redis, Bounds);

        static void Bounds(RedisOptions o)
        {
            o.NearDuplicateCapacity = 10;
            o.MaxPostingsPerHash = 4;
        }
    }

    public async Task DisposeAsync()
    {
        await _replicaA.DisposeAsync();
        await _replicaB.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task A_near_duplicate_sent_by_another_client_through_another_replica_matches()
    {
        var scope = Scope();
        var a = new RedisNearDuplicateStore(_replicaA);
        var b = new RedisNearDuplicateStore(_replicaB);
        var original = Hashes(1, 50);
        var sybil = "sybil\n{ü}😀 " + new string('z', 240);
        var first = new QueryReference("req-1", sybil, Then);

        Assert.Equal(0, (await MatchAsync(a, scope, Fingerprint(original), first, 5)).SharedHashes);
        var match = await MatchAsync(b, scope, Fingerprint([.. original[..45], .. Hashes(1000, 5)]), new QueryReference("req-2", "sybil-2", Then), 5);

        Assert.Equal(45, match.SharedHashes);
        Assert.Equal(first, Assert.Single(match.Earlier)); // request id, the odd client id and the time, exactly
        Assert.Equal(0, (await MatchAsync(a, Scope(), Fingerprint(original), first, 5)).SharedHashes); // scopes apart
    }

    [Fact]
    public async Task Evidence_is_best_first_and_at_most_what_was_asked()
    {
        var scope = Scope();
        var store = new RedisNearDuplicateStore(_replicaA);
        var probe = Hashes(1, 50);
        foreach (var (shared, id) in new[] { (10, "ten"), (30, "thirty"), (20, "twenty") })
        {
            await MatchAsync(store, scope, Fingerprint([.. probe[..shared], .. Hashes(id.Length * 1000, 50 - shared)]), new QueryReference(id, "c", Then), 0);
        }

        var match = await MatchAsync(store, scope, Fingerprint(probe), new QueryReference("probe", "c", Then), 2);

        Assert.Equal(30, match.SharedHashes);
        Assert.Equal(["thirty", "twenty"], match.Earlier.Select(e => e.RequestId));
        Assert.Equal([30, 20], match.EarlierShared); // what matches: M reads its score from
        Assert.Equal(20, match.SharedWith(2));
        Assert.Equal(0, match.SharedWith(3)); // only two asked for
    }

    [Fact]
    public async Task The_index_holds_its_capacity_and_no_more_entries_or_postings()
    {
        var scope = Scope();
        var store = new RedisNearDuplicateStore(_replicaA); // capacity 10
        var query = Hashes(1, 50);
        await MatchAsync(store, scope, Fingerprint(query), new QueryReference("kept", "c", Then), 1);
        for (var i = 1; i <= 9; i++)
        {
            await MatchAsync(store, scope, Fingerprint(Hashes(i * 100_000, 50)), new QueryReference($"other-{i}", "c", Then), 1);
        }

        // Nine newer entries: it is one of the ten held, and matches…
        var half = await MatchAsync(store, scope, Fingerprint(query[..25]), new QueryReference("half", "c", Then), 1);
        Assert.Equal(25, half.SharedHashes);
        Assert.Equal("kept", Assert.Single(half.Earlier).RequestId);

        // …then "half" was the tenth newer one: "kept" left, with its postings.
        var late = await MatchAsync(store, scope, Fingerprint(query[25..]), new QueryReference("late", "c", Then), 1);
        Assert.Equal(0, late.SharedHashes);
        for (var i = 0; i < 20; i++)
        {
            await MatchAsync(store, scope, Fingerprint(Hashes(5_000_000 + (i * 100), 50)), new QueryReference($"flood-{i}", "c", Then), 1);
        }

        var keys = await RedisStores.KeysAsync(_redis, _replicaA.Keys.NearDuplicate(scope));
        Assert.InRange(keys.Count(k => k.Key.Contains(":h:", StringComparison.Ordinal)), 1, 10 * 50);
        Assert.Equal(10L, (long)await RedisStores.ExecuteAsync(_redis, "HLEN", _replicaA.Keys.NearDuplicate(scope) + "ring"));
        Assert.All(keys, k => Assert.True(k.Ttl > TimeSpan.Zero, $"{k.Key} has no expiry"));
    }

    [Fact]
    public async Task Postings_per_hash_keep_the_newest_only()
    {
        var scope = Scope();
        var store = new RedisNearDuplicateStore(_replicaA); // 4 postings per hash
        var query = Hashes(7, 50);
        NearDuplicateMatch last = new NearDuplicateMatch(0, []);
        for (var i = 0; i < 8; i++)
        {
            last = await MatchAsync(store, scope, Fingerprint(query), new QueryReference($"same-{i}", "c", Then), 10);
        }

        Assert.Equal(50, last.SharedHashes);
        Assert.Equal(["same-6", "same-5", "same-4", "same-3"], last.Earlier.Select(e => e.RequestId));
        var postings = _replicaA.Keys.NearDuplicate(scope) + "h:" + query[0].ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(4L, (long)await RedisStores.ExecuteAsync(_redis, "LLEN", postings));
    }

    [Fact]
    public async Task An_entry_past_the_retention_is_never_matched_and_its_keys_expire()
    {
        await using var connection = RedisStores.Connect(_redis, o => o.NearDuplicateRetention = TimeSpan.FromMilliseconds(300));
        var store = new RedisNearDuplicateStore(connection);
        var scope = Scope();
        var query = Hashes(3, 50);
        await MatchAsync(store, scope, Fingerprint(query), new QueryReference("old", "c", Then), 1);

        // The index stays alive (another entry), but "old" is older than the retention by Redis's clock.
        await Task.Delay(TimeSpan.FromMilliseconds(400));
        await MatchAsync(store, scope, Fingerprint(Hashes(900_000, 50)), new QueryReference("unrelated", "c", Then), 1);
        Assert.Equal(0, (await MatchAsync(store, scope, Fingerprint(query), new QueryReference("again", "c", Then), 1)).SharedHashes);

        await Wait.Until(async () => (await RedisStores.KeysAsync(_redis, connection.Keys.NearDuplicate(scope))).Count == 0, "the whole index expired");
    }

    private static ulong[] Hashes(int start, int count) =>
        Enumerable.Range(start, count).Select(i => (ulong)i * 0x9E3779B97F4A7C15UL).ToArray();

    private static QueryFingerprint Fingerprint(ulong[] hashes) => QueryFingerprint.FromHashes(hashes);

    private static string Scope() => "test-" + Guid.NewGuid().ToString("n")[..12];

    [Fact]
    public async Task An_exact_repeat_from_any_client_or_replica_is_reported_as_such_and_neither_matched_nor_added()
    {
        var (a, b) = (new RedisNearDuplicateStore(_replicaA), new RedisNearDuplicateStore(_replicaB));
        var scope = Scope();
        var query = Hashes(42, 50);
        var first = await a.MatchAndAddAsync(scope, Fingerprint(query), 7, new QueryReference("req-1", "alice", Then), 5, TimeSpan.FromHours(1), CancellationToken.None);
        var again = await b.MatchAndAddAsync(scope, Fingerprint(query), 7, new QueryReference("req-2", "bob", Then), 5, TimeSpan.FromHours(1), CancellationToken.None);
        var near = await b.MatchAndAddAsync(scope, Fingerprint(query), 8, new QueryReference("req-3", "bob", Then), 5, TimeSpan.FromHours(1), CancellationToken.None);

        Assert.False(first.Repeat);
        Assert.True(again.Repeat);
        Assert.False(near.Repeat);
        Assert.Equal(50, near.Match.SharedHashes);
        Assert.Equal(["req-1"], near.Match.Earlier.Select(e => e.RequestId)); // the repeat was not added
    }

    [Fact]
    public async Task A_repeat_names_the_first_send_when_its_sender_was_degraded_and_evidence_keeps_the_flag_on_any_replica()
    {
        var (a, b) = (new RedisNearDuplicateStore(_replicaA), new RedisNearDuplicateStore(_replicaB));
        var scope = Scope();
        var first = new QueryReference("req-1", "degraded-account", Then) { FromDegradedClient = true };
        Assert.False((await a.MatchAndAddAsync(scope, Fingerprint(Hashes(42, 50)), 7, first, 5, TimeSpan.FromHours(1), CancellationToken.None)).Repeat);
        var repeat = await b.MatchAndAddAsync(scope, Fingerprint(Hashes(42, 50)), 7, new QueryReference("req-2", "clean-account", Then), 5, TimeSpan.FromHours(1), CancellationToken.None);
        Assert.True(repeat.Repeat);
        Assert.Equal(first, repeat.DegradedOriginal);

        // A near copy (another image, the same fingerprint) is matched, and its evidence says the sender was degraded.
        var copy = await b.MatchAndAddAsync(scope, Fingerprint(Hashes(42, 50)), 8, new QueryReference("req-3", "clean-account", Then), 5, TimeSpan.FromHours(1), CancellationToken.None);
        Assert.False(copy.Repeat);
        Assert.Equal([first], copy.Match.Earlier);

        // A send marked afterwards (its answer was degraded, its sender not): its repeats name it, on the other replica too.
        var marked = new QueryReference("req-6", "copier", Then);
        await a.MatchAndAddAsync(scope, Fingerprint(Hashes(900, 50)), 11, marked, 5, TimeSpan.FromHours(1), CancellationToken.None);
        await a.MarkDegradedAsync(scope, 11, marked with { FromDegradedClient = true }, CancellationToken.None);
        Assert.Equal(marked with { FromDegradedClient = true }, (await b.MatchAndAddAsync(scope, Fingerprint(Hashes(900, 50)), 11, new QueryReference("req-7", "checker", Then), 5, TimeSpan.FromHours(1), CancellationToken.None)).DegradedOriginal);

        // An image first sent by a client not degraded: its repeats name no one, whoever repeats it.
        await a.MatchAndAddAsync(scope, Fingerprint(Hashes(500, 50)), 9, new QueryReference("req-4", "ordinary", Then), 5, TimeSpan.FromHours(1), CancellationToken.None);
        var popular = await b.MatchAndAddAsync(scope, Fingerprint(Hashes(500, 50)), 9, new QueryReference("req-5", "degraded-account", Then) { FromDegradedClient = true }, 5, TimeSpan.FromHours(1), CancellationToken.None);
        Assert.True(popular.Repeat);
        Assert.Null(popular.DegradedOriginal);
    }

    private static long _content;

    private static async Task<NearDuplicateMatch> MatchAsync(RedisNearDuplicateStore store, string scope, QueryFingerprint fingerprint, QueryReference query, int evidence) =>
        (await store.MatchAndAddAsync(scope, fingerprint, (ulong)Interlocked.Increment(ref _content), query, evidence, TimeSpan.Zero, CancellationToken.None)).Match;
}
