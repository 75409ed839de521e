using System.Globalization;
using NeuralSec.Detectors.Stream;
using NeuralSec.Gateway.ClientState;
using NeuralSec.Gateway.ClientState.Redis;
using NeuralSec.Gateway.Options;
using NeuralSec.Gateway.QueryStream;
using NeuralSec.Gateway.Tests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace NeuralSec.Gateway.Tests.ClientState.Redis;

/// <summary>PRADA histories kept in parts in a real redis-server (<see cref="RedisHistoryParts"/>): the same stream gives the
/// same results in memory, as a whole state in Redis and in parts in Redis; once the sets are full an update moves one class's
/// set and the counters, not the whole state (Redis's own byte counters say so); two replicas updating one client lose no
/// query; a damaged, truncated or other-version part starts the client afresh; the byte cap still weighs the whole state.</summary>
public sealed class RedisPartitionedHistoryTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(10);

    /// <summary>The shipped near-repeat floor, so the stream's exact repeats are not recorded.</summary>
    private static readonly DistanceDistributionDetector Detector = new(new DistanceDistributionOptions(MinDistance: 0.5));
    private static readonly DistanceDistributionCodec Codec = new(Detector, 1);
    private RedisServer _redis = null!;
    private RedisConnection _replicaA = null!;
    private RedisConnection _replicaB = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _replicaA = RedisStores.Connect(_redis);
        _replicaB = RedisStores.Connect(_redis, o => o.HistoryUpdateAttempts = 100);
    }

    public async Task DisposeAsync()
    {
        await _replicaA.DisposeAsync();
        await _replicaB.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task A_stream_gives_the_same_results_in_memory_whole_in_Redis_and_in_parts_in_Redis_query_by_query()
    {
        var memory = new InMemoryClientHistoryStore(Microsoft.Extensions.Options.Options.Create(new GatewayOptions()), TimeProvider.System);
        var whole = new RedisClientHistoryStore(_replicaA);
        var parts = new[] { new RedisClientHistoryStore(_replicaA), new RedisClientHistoryStore(_replicaB) };
        var key = Key();
        var n = 0;
        var tests = 0;
        foreach (var (query, label) in Digits(seed: 3, count: 400))
        {
            var inMemory = await memory.UpdatePartAsync(key, Codec, Codec.PartOf(label), s => Detector.Observe(s, query, label), Idle, CancellationToken.None);
            var asWhole = await whole.UpdateAsync(key, Codec, s => Detector.Observe(s, query, label), Idle, CancellationToken.None);
            var inParts = await parts[n++ % 2].UpdatePartAsync(key, Codec, Codec.PartOf(label), s => Detector.Observe(s, query, label), Idle, CancellationToken.None);

            Assert.Equal(inMemory, asWhole);
            Assert.Equal(inMemory, inParts);
            tests += inMemory.Evaluated ? 1 : 0;
        }

        Assert.True(tests >= 25, $"only {tests} tests ran");
        var keys = await RedisStores.KeysAsync(_redis, $"neuralsec:h:{{{key.Scope}:");
        Assert.Equal(3, keys.Count); // the whole form's hash; the parts' hash and log
        Assert.All(keys, k => Assert.InRange(k.Ttl!.Value, TimeSpan.FromMinutes(9), Idle));
        Assert.Contains(keys, k => k.Key.EndsWith(":1-distanceDistribution:parts", StringComparison.Ordinal));
        Assert.Contains(keys, k => k.Key.EndsWith(":1-distanceDistribution:log", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Once_the_sets_are_full_an_update_moves_one_class_set_and_the_counters_not_the_whole_state()
    {
        const int Measured = 200;
        var store = new RedisClientHistoryStore(_replicaA);
        var inParts = Key();
        var whole = Key();
        foreach (var (query, label) in Filling().Concat(Digits(seed: 8, count: 800)))
        {
            await store.UpdatePartAsync(inParts, Codec, label, s => Detector.Observe(s, query, label), Idle, CancellationToken.None);
            await store.UpdateAsync(whole, Codec, s => Detector.Observe(s, query, label), Idle, CancellationToken.None);
        }

        var fields = (string)_replicaA.Keys.HistoryParts(inParts, Codec.Name)!;
        var classPart = 41 + (32 * 64 * 4);
        for (var c = 0; c < 10; c++)
        {
            Assert.Equal(classPart, (long)await RedisStores.ExecuteAsync(_redis, "HSTRLEN", fields, $"c:{c}")); // every set full
        }

        var shared = (long)await RedisStores.ExecuteAsync(_redis, "HSTRLEN", fields, "s");
        var wholeBytes = (long)await RedisStores.ExecuteAsync(_redis, "HSTRLEN", (string)_replicaA.Keys.History(whole, Codec.Name)!, "d");
        Assert.Equal(55, shared);
        Assert.Equal(1000L, (long)await RedisStores.ExecuteAsync(_redis, "LLEN", (string)_replicaA.Keys.HistoryLog(inParts, Codec.Name)!)); // the ring full too
        Assert.Equal(3 + 55 + (10 * (4 + classPart)) + (1000 * 6), wholeBytes);

        await using var counters = await NetworkCounters.ConnectAsync(_redis);
        var stream = Digits(seed: 4, count: Measured).ToList();
        var (partsIn, partsOut) = await counters.MeasureAsync(async () =>
        {
            foreach (var (query, label) in stream)
            {
                await store.UpdatePartAsync(inParts, Codec, label, s => Detector.Observe(s, query, label), Idle, CancellationToken.None);
            }
        });
        var (wholeIn, wholeOut) = await counters.MeasureAsync(async () =>
        {
            foreach (var (query, label) in stream)
            {
                await store.UpdateAsync(whole, Codec, s => Detector.Observe(s, query, label), Idle, CancellationToken.None);
            }
        });

        // Per update, Redis's own counters (RESP framing, script hash, keys and arguments included): read is what Redis
        // sent, written what it received.
        double readInParts = partsOut / (double)Measured, writtenInParts = partsIn / (double)Measured;
        double readWhole = wholeOut / (double)Measured, writtenWhole = wholeIn / (double)Measured;
        output.WriteLine("| PRADA, MNIST, sets full | read B/update | written B/update |");
        output.WriteLine("|---|---:|---:|");
        output.WriteLine(FormattableString.Invariant($"| whole state | {readWhole:N0} | {writtenWhole:N0} |"));
        output.WriteLine(FormattableString.Invariant($"| in parts | {readInParts:N0} | {writtenInParts:N0} |"));
        output.WriteLine(FormattableString.Invariant($"| fields: whole {wholeBytes:N0} B; shared {shared} B, class {classPart:N0} B, ring {Detector.Options.MaxDistances} records of 6 B (12 B on the wire), read by 1 update in {Detector.Options.EvaluateEvery} | | |"));

        // Keys, script hash, versions, flags, framing. The ring travels as one list element (6 bytes, 6 of framing) per
        // record, only to the one update in evaluateEvery that tests.
        const int Overhead = 1024;
        var ringShare = 12.0 * Detector.Options.MaxDistances / Detector.Options.EvaluateEvery;
        Assert.InRange(writtenInParts, shared, shared + Overhead); // no set changes once full; one 6-byte record
        Assert.InRange(readInParts, classPart + shared + (ringShare / 2), classPart + shared + ringShare + Overhead);
        Assert.InRange(readWhole, wholeBytes, wholeBytes + Overhead);
        Assert.InRange(writtenWhole, wholeBytes, wholeBytes + Overhead);
        Assert.True(readInParts + writtenInParts < (readWhole + writtenWhole) / 10);
    }

    [Fact]
    public async Task Concurrent_updates_of_one_client_from_two_replicas_lose_no_query()
    {
        const int Queries = 300;
        await using var other = RedisStores.Connect(_redis, o => o.HistoryUpdateAttempts = 100);
        var stores = new[] { new RedisClientHistoryStore(_replicaB), new RedisClientHistoryStore(other) };
        var key = Key();
        var stream = Digits(seed: 5, count: Queries).Select(q => (q.Query, Label: q.Label % 3)).ToList(); // three classes: parts shared and not

        // Waves of 100 at once: an update loses a race only to one that then is done, so with 100 attempts none gives up.
        foreach (var wave in stream.Chunk(100))
        {
            await Task.WhenAll(wave.Select((q, i) => stores[i % 2].UpdatePartAsync(key, Codec, q.Label, s => Detector.Observe(s, q.Query, q.Label), Idle, CancellationToken.None).AsTask()));
        }

        var (queries, stored) = await stores[0].UpdatePartAsync(key, Codec, 0, s => (s.Queries, s.StoredBytes), Idle, CancellationToken.None);
        Assert.Equal(Queries, queries);
        var ring = (long)await RedisStores.ExecuteAsync(_redis, "LLEN", (string)_replicaA.Keys.HistoryLog(key, Codec.Name)!);
        var points = 0L;
        for (var c = 0; c < 3; c++)
        {
            points += ((long)await RedisStores.ExecuteAsync(_redis, "HSTRLEN", (string)_replicaA.Keys.HistoryParts(key, Codec.Name)!, $"c:{c}") - 41) / (64 * 4);
        }

        // The log holds one record per recorded distance, and the whole state's size adds up from what Redis holds.
        Assert.Equal(3 + 55 + (3 * (4 + 41)) + (points * 64 * 4) + (ring * 6), stored);
        Assert.InRange(ring, Queries / 2, Queries - 3);
    }

    [Theory]
    [InlineData("shared part damaged")]
    [InlineData("shared part of version 1")]
    [InlineData("class part damaged")]
    [InlineData("class part of another class")]
    [InlineData("log record damaged")]
    [InlineData("log truncated")]
    public async Task A_damaged_part_starts_the_client_afresh(string damage)
    {
        var store = new RedisClientHistoryStore(_replicaA);
        var key = Key();
        var fields = (string)_replicaA.Keys.HistoryParts(key, Codec.Name)!;
        var log = (string)_replicaA.Keys.HistoryLog(key, Codec.Name)!;
        var stream = Digits(seed: 6, count: 20).ToList();
        foreach (var (query, label) in stream.Take(19))
        {
            await store.UpdatePartAsync(key, Codec, label, s => Detector.Observe(s, query, label), Idle, CancellationToken.None);
        }

        // The 20th query tests (it reads the log); its class has a set (the first query's).
        var (next, nextLabel) = (stream[19].Query, stream[0].Label);
        var another = stream.Take(19).First(q => q.Label != nextLabel).Label;
        var shared = (byte[])(await RedisStores.ExecuteAsync(_redis, "HGET", fields, "s"))!;
        var present = (byte[])(await RedisStores.ExecuteAsync(_redis, "HGET", fields, $"c:{nextLabel}"))!;
        switch (damage)
        {
            case "shared part damaged":
                await RedisStores.ExecuteAsync(_redis, "HSET", fields, "s", shared[..^1]);
                break;
            case "shared part of version 1":
                shared[2] = 1;
                await RedisStores.ExecuteAsync(_redis, "HSET", fields, "s", shared);
                break;
            case "class part damaged":
                await RedisStores.ExecuteAsync(_redis, "HSET", fields, $"c:{nextLabel}", present[..^3]);
                break;
            case "class part of another class":
                await RedisStores.ExecuteAsync(_redis, "HSET", fields, $"c:{nextLabel}", (byte[])(await RedisStores.ExecuteAsync(_redis, "HGET", fields, $"c:{another}"))!);
                break;
            case "log record damaged":
                await RedisStores.ExecuteAsync(_redis, "LSET", log, "0", "bad");
                break;
            case "log truncated":
                await RedisStores.ExecuteAsync(_redis, "LPOP", log);
                break;
        }

        var queries = await store.UpdatePartAsync(key, Codec, nextLabel, s =>
        {
            Detector.Observe(s, next, nextLabel);
            return s.Queries;
        }, Idle, CancellationToken.None);

        Assert.Equal(1, queries);
        Assert.Equal(4L, (long)await RedisStores.ExecuteAsync(_redis, "HLEN", fields)); // v, s, l and the one class: nothing older survives
        Assert.Equal(0L, (long)await RedisStores.ExecuteAsync(_redis, "EXISTS", log));
        Assert.Equal(2, await store.UpdatePartAsync(key, Codec, another, s =>
        {
            Detector.Observe(s, next, another);
            return s.Queries;
        }, Idle, CancellationToken.None));
    }

    [Fact]
    public async Task A_state_past_the_byte_cap_is_dropped_whole_and_the_client_starts_afresh()
    {
        await using var capped = RedisStores.Connect(_redis, o => o.MaxHistoryBytes = 1024); // a few points of 256 bytes
        var store = new RedisClientHistoryStore(capped);
        var key = Key();
        var queries = new List<int>();
        foreach (var (query, _) in Filling().Where(q => q.Label == 0).Take(7))
        {
            queries.Add(await store.UpdatePartAsync(key, Codec, 0, s =>
            {
                Detector.Observe(s, query, 0);
                return s.Queries;
            }, Idle, CancellationToken.None));
        }

        // 3 + 55 + 45 + 256 per point + 6 per distance: the fourth point passes 1024 bytes and the state is dropped.
        Assert.Equal([1, 2, 3, 4, 1, 2, 3], queries);
        Assert.Equal(2, (await RedisStores.KeysAsync(_redis, $"neuralsec:h:{{{key.Scope}:")).Count);
    }

    /// <summary>Test digits in a seeded order, every seventh an exact repeat of an earlier one, labelled with their digit
    /// (a perfect-model stand-in).</summary>
    private static IEnumerable<(float[] Query, int Label)> Digits(int seed, int count)
    {
        var random = new Random(seed);
        var sent = new List<(float[] Query, int Label)>();
        for (var i = 0; i < count; i++)
        {
            var index = random.Next(TestDigits.Count);
            var next = i % 7 == 6 ? sent[random.Next(sent.Count)] : (TestDigits.Image(index), TestDigits.Label(index));
            sent.Add(next);
            yield return next;
        }
    }

    /// <summary>32 queries per class, each further from the class's earlier ones than any of them (a seeded random image
    /// scaled up by its rank), so every one joins its class's set and the ten sets end full.</summary>
    private static IEnumerable<(float[] Query, int Label)> Filling()
    {
        var random = new Random(9);
        for (var rank = 1; rank <= 32; rank++)
        {
            for (var label = 0; label < 10; label++)
            {
                var image = new float[784];
                for (var i = 0; i < image.Length; i++)
                {
                    image[i] = rank * random.NextSingle();
                }

                yield return (image, label);
            }
        }
    }

    private static ClientKey Key() => new("test-" + Guid.NewGuid().ToString("n")[..12], "client-" + Guid.NewGuid().ToString("n")[..6]);

    /// <summary>Redis's bytes received from and sent to all clients (<c>INFO stats</c>), over one action, less what the
    /// two INFO calls themselves cost.</summary>
    private sealed class NetworkCounters(ConnectionMultiplexer inspector) : IAsyncDisposable
    {
        public static async Task<NetworkCounters> ConnectAsync(RedisServer server) => new(await ConnectionMultiplexer.ConnectAsync(server.Configuration));

        public async Task<(long In, long Out)> MeasureAsync(Func<Task> action)
        {
            var idle0 = await ReadAsync();
            var idle1 = await ReadAsync();
            var before = await ReadAsync();
            await action();
            var after = await ReadAsync();
            return (after.In - before.In - (idle1.In - idle0.In), after.Out - before.Out - (idle1.Out - idle0.Out));
        }

        public ValueTask DisposeAsync() => inspector.DisposeAsync();

        private async Task<(long In, long Out)> ReadAsync()
        {
            var info = (string)(await inspector.GetDatabase().ExecuteAsync("INFO", "stats"))!;
            return (Field(info, "total_net_input_bytes"), Field(info, "total_net_output_bytes"));
        }

        private static long Field(string info, string name)
        {
            var line = info.Split('\n').Single(l => l.StartsWith(name + ":", StringComparison.Ordinal));
            return long.Parse(line[(name.Length + 1)..].Trim(), CultureInfo.InvariantCulture);
        }
    }
}
