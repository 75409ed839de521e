using Microsoft.Extensions.Time.Testing;
using NeuralSec.Gateway.ClientState;
using NeuralSec.Gateway.ClientState.Redis;
using NeuralSec.Gateway.Options;
using NeuralSec.Gateway.Tests.Infrastructure;

namespace NeuralSec.Gateway.Tests.ClientState.Redis;

/// <summary>
/// The shared budget and sanctions against a real redis-server: the same arithmetic as the in-memory store (slow
/// buckets, so Redis's clock moving on between calls cannot change the answers), two replicas limiting one client
/// as one, atomic under concurrency, every key expiring by itself, hostile client ids as bounded keys, and a hung
/// Redis turned into an unavailable store within the operation timeout, then recovered.
/// </summary>
public sealed class RedisClientStateStoreTests : IAsyncLifetime
{
    private static readonly TokenBucket Slow = new(TokensPerSecond: 0.01, Burst: 3);
    private RedisServer _redis = null!;
    private RedisConnection _replicaA = null!;
    private RedisConnection _replicaB = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _replicaA = RedisStores.Connect(_redis);
        _replicaB = RedisStores.Connect(_redis);
    }

    public async Task DisposeAsync()
    {
        await _replicaA.DisposeAsync();
        await _replicaB.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task A_bucket_grants_its_burst_then_says_when_the_next_token_comes_as_the_in_memory_store_does()
    {
        var redis = new RedisClientStateStore(_replicaA);
        var memory = InMemory();
        var key = new ClientKey(Scope(), "alice");

        for (var i = 0; i < 4; i++)
        {
            var shared = await redis.AdmitAsync(key, Slow, null, CancellationToken.None);
            var local = await memory.AdmitAsync(key, Slow, null, CancellationToken.None);
            Assert.Equal(local.Sanctions, shared.Sanctions);
            Assert.Equal(local.RetryAfter is null, shared.RetryAfter is null);
            if (local.RetryAfter is { } expected)
            {
                // 100 s until the next token, less what Redis's clock moved on between the calls.
                Assert.InRange(shared.RetryAfter!.Value.TotalSeconds, expected.TotalSeconds - 1, expected.TotalSeconds);
            }
        }
    }

    [Fact]
    public async Task A_bucket_refills_on_Redis_clock()
    {
        var store = new RedisClientStateStore(_replicaA);
        var key = new ClientKey(Scope(), "bob");
        var fast = new TokenBucket(TokensPerSecond: 20, Burst: 1);

        Assert.Null((await store.AdmitAsync(key, fast, null, CancellationToken.None)).RetryAfter);
        await Wait.Until(async () => (await store.AdmitAsync(key, fast, null, CancellationToken.None)).RetryAfter is null, "the bucket refilled");
    }

    [Fact]
    public async Task A_smaller_shape_caps_the_tokens_already_there()
    {
        var store = new RedisClientStateStore(_replicaA);
        var key = new ClientKey(Scope(), "carol");
        await store.AdmitAsync(key, new TokenBucket(0.001, 10), null, CancellationToken.None); // 9 left

        var smaller = new TokenBucket(0.001, 2);
        Assert.Null((await store.AdmitAsync(key, smaller, null, CancellationToken.None)).RetryAfter);
        Assert.Null((await store.AdmitAsync(key, smaller, null, CancellationToken.None)).RetryAfter);
        Assert.NotNull((await store.AdmitAsync(key, smaller, null, CancellationToken.None)).RetryAfter);
    }

    [Fact]
    public async Task Sanctions_last_their_cooldown_are_extended_never_shortened_and_a_throttled_client_spends_the_throttled_budget()
    {
        var redis = new RedisClientStateStore(_replicaA);
        var memory = InMemory();
        var key = new ClientKey(Scope(), "mallory");
        var normal = new TokenBucket(TokensPerSecond: 2, Burst: 3);
        var slow = new TokenBucket(TokensPerSecond: 0.5, Burst: 1);

        foreach (IClientStateStore store in new IClientStateStore[] { redis, memory })
        {
            await store.ImposeAsync(key, ClientSanctions.Throttled, TimeSpan.FromMinutes(10), CancellationToken.None);
        }

        var first = await redis.AdmitAsync(key, normal, slow, CancellationToken.None);
        var second = await redis.AdmitAsync(key, normal, slow, CancellationToken.None);
        Assert.Equal((await memory.AdmitAsync(key, normal, slow, CancellationToken.None)).Sanctions, first.Sanctions);
        Assert.Equal(ClientSanctions.Throttled, first.Sanctions);
        Assert.Null(first.RetryAfter);
        Assert.InRange(second.RetryAfter!.Value.TotalSeconds, 1.0, 2.0); // the throttled bucket's 2 s, not the normal 0.5 s

        foreach (IClientStateStore store in new IClientStateStore[] { redis, memory })
        {
            await store.ImposeAsync(key, ClientSanctions.Blocked, TimeSpan.FromMinutes(1), CancellationToken.None);
            await store.ImposeAsync(key, ClientSanctions.Blocked, TimeSpan.FromSeconds(5), CancellationToken.None);
        }

        var blocked = await redis.AdmitAsync(key, normal, slow, CancellationToken.None);
        var blockedHere = await memory.AdmitAsync(key, normal, slow, CancellationToken.None);
        Assert.True(blocked.IsBlocked);
        Assert.Equal(blockedHere.Sanctions, blocked.Sanctions);
        Assert.InRange(blocked.RetryAfter!.Value.TotalSeconds, 59, 60);

        // A short cooldown ends by itself (the key expires); the others go on.
        await redis.ImposeAsync(key, ClientSanctions.Degraded, TimeSpan.FromMilliseconds(200), CancellationToken.None);
        Assert.Equal(ClientSanctions.Blocked | ClientSanctions.Throttled | ClientSanctions.Degraded, (await redis.AdmitAsync(key, normal, slow, CancellationToken.None)).Sanctions);
        await Wait.Until(async () => (await redis.AdmitAsync(key, normal, slow, CancellationToken.None)).Sanctions == (ClientSanctions.Blocked | ClientSanctions.Throttled), "the degrade cooldown over");
    }

    [Fact]
    public async Task Two_replicas_sharing_one_Redis_limit_a_client_as_one()
    {
        var stores = new[] { new RedisClientStateStore(_replicaA), new RedisClientStateStore(_replicaB) };
        var key = new ClientKey(Scope(), "spreader");
        var bucket = new TokenBucket(TokensPerSecond: 0.001, Burst: 4);

        var admitted = 0;
        for (var i = 0; i < 10; i++)
        {
            admitted += (await stores[i % 2].AdmitAsync(key, bucket, null, CancellationToken.None)).RetryAfter is null ? 1 : 0;
        }

        Assert.Equal(4, admitted);

        // At once, from both: the script is atomic, so exactly the burst goes through.
        var burst = new TokenBucket(TokensPerSecond: 0.001, Burst: 25);
        var crowd = new ClientKey(key.Scope, "crowd");
        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => stores[i % 2].AdmitAsync(crowd, burst, null, CancellationToken.None).AsTask()));
        Assert.Equal(25, results.Count(r => r.RetryAfter is null));
    }

    [Fact]
    public async Task Every_key_expires_by_itself_and_a_refilled_bucket_is_gone()
    {
        var scope = Scope();
        var store = new RedisClientStateStore(_replicaA);
        var key = new ClientKey(scope, "dave");
        await store.AdmitAsync(key, Slow, null, CancellationToken.None);
        await store.ImposeAsync(key, ClientSanctions.Degraded, TimeSpan.FromMinutes(5), CancellationToken.None);

        var keys = await RedisStores.KeysAsync(_redis, $"neuralsec:cs:{{{scope}:");
        Assert.Equal(2, keys.Count);
        Assert.All(keys, k => Assert.True(k.Ttl > TimeSpan.Zero, $"{k.Key} has no expiry"));

        var fast = new TokenBucket(TokensPerSecond: 20, Burst: 1);
        var eve = new ClientKey(scope, "eve");
        await store.AdmitAsync(eve, fast, null, CancellationToken.None);
        await Wait.Until(async () => (await RedisStores.KeysAsync(_redis, $"neuralsec:cs:{{{scope}:eve}}")).Count == 0, "eve's refilled bucket expired");
    }

    [Fact]
    public async Task A_retired_scope_is_left_to_expire_because_another_replica_may_still_serve_it()
    {
        var scope = Scope();
        var store = new RedisClientStateStore(_replicaA);
        var key = new ClientKey(scope, "grace");
        await store.ImposeAsync(key, ClientSanctions.Blocked, TimeSpan.FromMinutes(5), CancellationToken.None);

        store.RetainScopes(new HashSet<string> { "some-other-policy" });

        Assert.True((await new RedisClientStateStore(_replicaB).AdmitAsync(key, Slow, null, CancellationToken.None)).IsBlocked);
    }

    [Fact]
    public async Task Ten_thousand_hostile_client_ids_are_bounded_keys_that_never_collide()
    {
        var scope = Scope();
        var store = new RedisClientStateStore(_replicaA);
        var bucket = new TokenBucket(TokensPerSecond: 0.001, Burst: 1);
        var ids = Enumerable.Range(0, 10_000).Select(Hostile).ToArray();
        Assert.All(ids, id => Assert.Equal(256, id.Length));

        foreach (var chunk in ids.Chunk(200))
        {
            var admissions = await Task.WhenAll(chunk.Select(id => store.AdmitAsync(new ClientKey(scope, id), bucket, null, CancellationToken.None).AsTask()));
            Assert.All(admissions, a => Assert.Null(a.RetryAfter)); // each a new client with a full bucket: no collision
        }

        var keys = await RedisStores.KeysAsync(_redis, $"neuralsec:cs:{{{scope}:");
        Assert.Equal(10_000, keys.Count);
        Assert.All(keys, k => Assert.True(k.Key.Length <= RedisKeys.MaxLength, k.Key));
        Assert.True(keys.Max(k => k.Key.Length) < 100, $"longest key {keys.Max(k => k.Key.Length)} characters");

        // A sanction lands on the one client, not on its near twin; short printable ids stay readable.
        await store.ImposeAsync(new ClientKey(scope, ids[0]), ClientSanctions.Blocked, TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.True((await store.AdmitAsync(new ClientKey(scope, ids[0]), bucket, null, CancellationToken.None)).IsBlocked);
        Assert.False((await store.AdmitAsync(new ClientKey(scope, ids[0][..^1] + "!"), bucket, null, CancellationToken.None)).IsBlocked);
        await store.AdmitAsync(new ClientKey(scope, "tenant-a.svc@example"), bucket, null, CancellationToken.None);
        Assert.Single(await RedisStores.KeysAsync(_redis, $"neuralsec:cs:{{{scope}:tenant-a.svc@example}}:bucket"));
    }

    [Fact]
    public async Task A_hung_Redis_makes_the_store_unavailable_within_its_timeout_with_one_alert_and_it_recovers()
    {
        await using var redis = await RedisServer.StartAsync();
        var alerts = new AlertRecorder();
        await using var connection = RedisStores.Connect(redis, o => o.OperationTimeout = TimeSpan.FromMilliseconds(300), alerts);
        var store = new RedisClientStateStore(connection);
        var key = new ClientKey(Scope(), "frank");
        await Wait.Until(async () => await Admits(store, key), "the first admission (connecting)");
        Assert.True(connection.Health.IsUp);

        // On a starved machine the first script run (JIT, EVAL before EVALSHA) can itself outlast 300 ms and be
        // an outage of its own: only the alerts the freeze raises are this test's.
        var before = alerts.Alerts.Count;
        await redis.PauseAsync();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                var ex = await Assert.ThrowsAsync<ClientStateUnavailableException>(() => store.AdmitAsync(key, Slow, null, CancellationToken.None).AsTask());
                Assert.IsAssignableFrom<TimeoutException>(ex.InnerException);
            }

            Assert.False(connection.Health.IsUp);
            Assert.True(alerts.Alerts.Count == before + 1, alerts.Describe());
            Assert.Equal(NeuralSec.Gateway.Alerts.AlertKind.StateStoreUnavailable, alerts.Alerts[^1].Kind);
        }
        finally
        {
            await redis.ResumeAsync();
        }

        await Wait.Until(async () => await Admits(store, key), "admissions again after Redis thawed");
        Assert.True(connection.Health.IsUp);
        Assert.True(alerts.Alerts.Count == before + 1, alerts.Describe());
    }

    [Fact]
    public async Task Calls_made_before_the_first_connection_is_up_are_refused_without_an_alert_of_their_own()
    {
        await using var redis = await RedisServer.StartAsync();
        await redis.PauseAsync(); // the TCP connection is accepted by the kernel, the handshake waits
        var alerts = new AlertRecorder();
        RedisConnection? connection = null;
        try
        {
            connection = RedisStores.Connect(redis, o =>
            {
                o.OperationTimeout = TimeSpan.FromMilliseconds(200);
                o.ConnectTimeout = TimeSpan.FromSeconds(60);
            }, alerts);
            var store = new RedisClientStateStore(connection);
            var key = new ClientKey(Scope(), "early");
            for (var i = 0; i < 3; i++)
            {
                await Assert.ThrowsAsync<ClientStateUnavailableException>(() => store.AdmitAsync(key, Slow, null, CancellationToken.None).AsTask());
            }

            Assert.False(connection.Health.IsUp);
            Assert.True(alerts.Alerts.Count == 0, alerts.Describe());

            await redis.ResumeAsync();
            await Wait.Until(async () => await Admits(store, key), "admissions once the first connection is made");
            Assert.True(connection.Health.IsUp);
            Assert.True(alerts.Alerts.Count == 0, alerts.Describe());
        }
        finally
        {
            await redis.ResumeAsync();
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private static async Task<bool> Admits(RedisClientStateStore store, ClientKey key)
    {
        try
        {
            await store.AdmitAsync(key, new TokenBucket(1000, 1000), null, CancellationToken.None);
            return true;
        }
        catch (ClientStateUnavailableException)
        {
            return false;
        }
    }

    /// <summary>256 characters a key must not hold as they are: separators, braces, control characters, spaces,
    /// non-ASCII letters, emoji; the number makes each distinct.</summary>
    private static string Hostile(int i)
    {
        var id = $"{i}:{{ü}}\n\t ∑é😀/\\*?[]" + new string('x', 256);
        return id[..256];
    }

    private static string Scope() => "test-" + Guid.NewGuid().ToString("n")[..12];

    private static InMemoryClientStateStore InMemory() =>
        new(Microsoft.Extensions.Options.Options.Create(new GatewayOptions()), new FakeTimeProvider());
}
