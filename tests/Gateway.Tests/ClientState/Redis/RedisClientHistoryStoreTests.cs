using NeuralSec.Gateway.ClientState;
using NeuralSec.Gateway.ClientState.Redis;
using NeuralSec.Gateway.Tests.Infrastructure;

namespace NeuralSec.Gateway.Tests.ClientState.Redis;

/// <summary>Shared stream-detector histories against a real redis-server: what one replica wrote the other reads,
/// concurrent updates from two replicas lose nothing (compare-and-set, retried), damaged bytes and oversized
/// histories start the client afresh, and an idle history expires.</summary>
public sealed class RedisClientHistoryStoreTests : IAsyncLifetime
{
    private static readonly CounterCodec Codec = new();
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(10);
    private RedisServer _redis = null!;
    private RedisConnection _replicaA = null!;
    private RedisConnection _replicaB = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _replicaA = RedisStores.Connect(_redis, o => o.MaxHistoryBytes = 1024);
        _replicaB = RedisStores.Connect(_redis, o => o.HistoryUpdateAttempts = 100);
    }

    public async Task DisposeAsync()
    {
        await _replicaA.DisposeAsync();
        await _replicaB.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task What_one_replica_wrote_the_other_reads_and_extends()
    {
        var key = Key();
        var a = new RedisClientHistoryStore(_replicaA);
        var b = new RedisClientHistoryStore(_replicaB);

        Assert.Equal(1, await a.UpdateAsync(key, Codec, s => Append(s, 7), Idle, CancellationToken.None));
        Assert.Equal(2, await b.UpdateAsync(key, Codec, s => Append(s, 8), Idle, CancellationToken.None));
        var values = await a.UpdateAsync(key, Codec, s => s.ToArray(), Idle, CancellationToken.None);
        Assert.Equal(new long[] { 7, 8 }, values);

        var keys = await RedisStores.KeysAsync(_redis, $"neuralsec:h:{{{key.Scope}:");
        var (name, ttl) = Assert.Single(keys);
        Assert.EndsWith(":counter", name, StringComparison.Ordinal);
        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(9), Idle);
    }

    [Fact]
    public async Task Concurrent_updates_from_two_replicas_lose_nothing()
    {
        var key = Key();
        await using var other = RedisStores.Connect(_redis, o => o.HistoryUpdateAttempts = 100);
        var stores = new[] { new RedisClientHistoryStore(_replicaB), new RedisClientHistoryStore(other) };

        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => stores[i % 2].UpdateAsync(key, Codec, s => Append(s, i), Idle, CancellationToken.None).AsTask()));

        var values = await stores[0].UpdateAsync(key, Codec, s => s.ToArray(), Idle, CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), values.Order());
    }

    [Fact]
    public async Task Damaged_bytes_start_the_client_afresh()
    {
        var key = Key();
        var store = new RedisClientHistoryStore(_replicaA);
        await store.UpdateAsync(key, Codec, s => Append(s, 1), Idle, CancellationToken.None);
        await RedisStores.ExecuteAsync(_redis, "HSET", (string)_replicaA.Keys.History(key, Codec.Name)!, "d", "not eight bytes");

        Assert.Equal(1, await store.UpdateAsync(key, Codec, s => Append(s, 2), Idle, CancellationToken.None));
    }

    [Fact]
    public async Task A_history_past_the_byte_cap_is_dropped_and_the_client_starts_afresh()
    {
        var key = Key();
        var store = new RedisClientHistoryStore(_replicaA); // 1024 bytes: 128 values
        for (var i = 0; i < 128; i++)
        {
            await store.UpdateAsync(key, Codec, s => Append(s, i), Idle, CancellationToken.None);
        }

        Assert.Equal(129, await store.UpdateAsync(key, Codec, s => Append(s, 128), Idle, CancellationToken.None));
        Assert.Empty(await RedisStores.KeysAsync(_redis, $"neuralsec:h:{{{key.Scope}:"));
        Assert.Equal(1, await store.UpdateAsync(key, Codec, s => Append(s, 0), Idle, CancellationToken.None));
    }

    [Fact]
    public async Task An_idle_history_expires()
    {
        var key = Key();
        var store = new RedisClientHistoryStore(_replicaA);
        await store.UpdateAsync(key, Codec, s => Append(s, 1), TimeSpan.FromMilliseconds(200), CancellationToken.None);

        await Wait.Until(async () => (await RedisStores.KeysAsync(_redis, $"neuralsec:h:{{{key.Scope}:")).Count == 0, "the idle history expired");
        Assert.Equal(1, await store.UpdateAsync(key, Codec, s => Append(s, 2), Idle, CancellationToken.None));
    }

    private static int Append(List<long> state, long value)
    {
        state.Add(value);
        return state.Count;
    }

    private static ClientKey Key() => new("test-" + Guid.NewGuid().ToString("n")[..12], "client-1");
}
