using Microsoft.Extensions.Time.Testing;
using NeuralSec.Gateway.ClientState;
using NeuralSec.Gateway.Options;

namespace NeuralSec.Gateway.Tests.ClientState;

/// <summary>The in-memory client state: token-bucket arithmetic on a fake clock, and a bound no flood of new client
/// ids can push it past, evicting only what costs clients nothing first.</summary>
public sealed class InMemoryClientStateStoreTests
{
    private static readonly TokenBucket TwoPerSecond = new(TokensPerSecond: 2, Burst: 3);
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public async Task A_bucket_grants_its_burst_then_says_when_the_next_token_comes_and_refills()
    {
        var store = Store(maxEntries: 100);
        var key = new ClientKey("p", "alice");

        for (var i = 0; i < 3; i++)
        {
            Assert.Null((await store.AdmitAsync(key, TwoPerSecond, null, CancellationToken.None)).RetryAfter);
        }

        Assert.Equal(TimeSpan.FromSeconds(0.5), (await store.AdmitAsync(key, TwoPerSecond, null, CancellationToken.None)).RetryAfter);
        _clock.Advance(TimeSpan.FromSeconds(0.5));
        Assert.Null((await store.AdmitAsync(key, TwoPerSecond, null, CancellationToken.None)).RetryAfter);
        Assert.NotNull((await store.AdmitAsync(key, TwoPerSecond, null, CancellationToken.None)).RetryAfter);
    }

    [Fact]
    public async Task A_flood_of_new_client_ids_never_grows_the_store_past_its_bound()
    {
        var store = Store(maxEntries: 1_000);

        for (var i = 0; i < 20_000; i++)
        {
            await store.AdmitAsync(new ClientKey("p", $"sybil-{i}"), TwoPerSecond, null, CancellationToken.None);
            Assert.True(store.Count <= 1_000, $"{store.Count} entries after {i + 1} clients");
        }
    }

    [Fact]
    public async Task Refilled_buckets_go_first_so_a_throttled_client_stays_throttled()
    {
        var store = Store(maxEntries: 1_000);
        var slow = new TokenBucket(TokensPerSecond: 0.001, Burst: 1);
        var attacker = new ClientKey("p", "attacker");
        await store.AdmitAsync(attacker, slow, null, CancellationToken.None);
        Assert.NotNull((await store.AdmitAsync(attacker, slow, null, CancellationToken.None)).RetryAfter);

        // Many clients that came and went: a second later their buckets are full again, which is what a fresh one is.
        for (var i = 0; i < 998; i++)
        {
            await store.AdmitAsync(new ClientKey("p", $"visitor-{i}"), TwoPerSecond, null, CancellationToken.None);
        }

        _clock.Advance(TimeSpan.FromSeconds(2));
        for (var i = 0; i < 500; i++)
        {
            await store.AdmitAsync(new ClientKey("p", $"newcomer-{i}"), TwoPerSecond, null, CancellationToken.None);
        }

        Assert.NotNull((await store.AdmitAsync(attacker, slow, null, CancellationToken.None)).RetryAfter);
    }

    [Fact]
    public async Task Retired_scopes_are_dropped_whole()
    {
        var store = Store(maxEntries: 100);
        await store.AdmitAsync(new ClientKey("old", "alice"), TwoPerSecond, null, CancellationToken.None);
        await store.AdmitAsync(new ClientKey("new", "alice"), TwoPerSecond, null, CancellationToken.None);

        store.RetainScopes(new HashSet<string> { "new" });

        Assert.Equal(1, store.Count);
    }

    [Fact]
    public async Task A_sanction_lasts_its_cooldown_and_a_throttled_client_spends_the_throttled_budget()
    {
        var store = Store(maxEntries: 100);
        var key = new ClientKey("p", "mallory");
        var slow = new TokenBucket(TokensPerSecond: 0.5, Burst: 1);

        await store.ImposeAsync(key, ClientSanctions.Throttled, TimeSpan.FromMinutes(10), CancellationToken.None);
        var first = await store.AdmitAsync(key, TwoPerSecond, slow, CancellationToken.None);
        var second = await store.AdmitAsync(key, TwoPerSecond, slow, CancellationToken.None);
        Assert.Equal(ClientSanctions.Throttled, first.Sanctions);
        Assert.Null(first.RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(2), second.RetryAfter);

        await store.ImposeAsync(key, ClientSanctions.Blocked, TimeSpan.FromMinutes(1), CancellationToken.None);
        await store.ImposeAsync(key, ClientSanctions.Blocked, TimeSpan.FromSeconds(5), CancellationToken.None); // never shortened
        var blocked = await store.AdmitAsync(key, TwoPerSecond, slow, CancellationToken.None);
        Assert.True(blocked.IsBlocked);
        Assert.Equal(TimeSpan.FromMinutes(1), blocked.RetryAfter);

        _clock.Advance(TimeSpan.FromMinutes(11));
        var after = await store.AdmitAsync(key, TwoPerSecond, slow, CancellationToken.None);
        Assert.Equal(ClientSanctions.None, after.Sanctions);
        Assert.Null(after.RetryAfter);
    }

    [Fact]
    public async Task Sanctioned_clients_are_evicted_last()
    {
        var store = Store(maxEntries: 100);
        var mallory = new ClientKey("p", "mallory");
        await store.ImposeAsync(mallory, ClientSanctions.Blocked, TimeSpan.FromHours(1), CancellationToken.None);
        var tight = new TokenBucket(TokensPerSecond: 0.001, Burst: 1);
        for (var i = 0; i < 1_000; i++)
        {
            await store.AdmitAsync(new ClientKey("p", $"sybil-{i}"), tight, null, CancellationToken.None);
        }

        Assert.True((await store.AdmitAsync(mallory, TwoPerSecond, null, CancellationToken.None)).IsBlocked);
    }

    private InMemoryClientStateStore Store(int maxEntries) =>
        new(Microsoft.Extensions.Options.Options.Create(new GatewayOptions { ClientState = new ClientStateOptions { MaxEntries = maxEntries } }), _clock);
}
