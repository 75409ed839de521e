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
        var key = new ClientKey("p@1", "alice");

        for (var i = 0; i < 3; i++)
        {
            Assert.Null(await store.TryTakeAsync(key, TwoPerSecond, CancellationToken.None));
        }

        Assert.Equal(TimeSpan.FromSeconds(0.5), await store.TryTakeAsync(key, TwoPerSecond, CancellationToken.None));
        _clock.Advance(TimeSpan.FromSeconds(0.5));
        Assert.Null(await store.TryTakeAsync(key, TwoPerSecond, CancellationToken.None));
        Assert.NotNull(await store.TryTakeAsync(key, TwoPerSecond, CancellationToken.None));
    }

    [Fact]
    public async Task A_flood_of_new_client_ids_never_grows_the_store_past_its_bound()
    {
        var store = Store(maxEntries: 1_000);

        for (var i = 0; i < 20_000; i++)
        {
            await store.TryTakeAsync(new ClientKey("p@1", $"sybil-{i}"), TwoPerSecond, CancellationToken.None);
            Assert.True(store.Count <= 1_000, $"{store.Count} entries after {i + 1} clients");
        }
    }

    [Fact]
    public async Task Refilled_buckets_go_first_so_a_throttled_client_stays_throttled()
    {
        var store = Store(maxEntries: 1_000);
        var slow = new TokenBucket(TokensPerSecond: 0.001, Burst: 1);
        var attacker = new ClientKey("p@1", "attacker");
        await store.TryTakeAsync(attacker, slow, CancellationToken.None);
        Assert.NotNull(await store.TryTakeAsync(attacker, slow, CancellationToken.None));

        // Many clients that came and went: a second later their buckets are full again, which is what a fresh one is.
        for (var i = 0; i < 998; i++)
        {
            await store.TryTakeAsync(new ClientKey("p@1", $"visitor-{i}"), TwoPerSecond, CancellationToken.None);
        }

        _clock.Advance(TimeSpan.FromSeconds(2));
        for (var i = 0; i < 500; i++)
        {
            await store.TryTakeAsync(new ClientKey("p@1", $"newcomer-{i}"), TwoPerSecond, CancellationToken.None);
        }

        Assert.NotNull(await store.TryTakeAsync(attacker, slow, CancellationToken.None));
    }

    [Fact]
    public async Task Retired_scopes_are_dropped_whole()
    {
        var store = Store(maxEntries: 100);
        await store.TryTakeAsync(new ClientKey("old@1", "alice"), TwoPerSecond, CancellationToken.None);
        await store.TryTakeAsync(new ClientKey("new@2", "alice"), TwoPerSecond, CancellationToken.None);

        store.RetainScopes(new HashSet<string> { "new@2" });

        Assert.Equal(1, store.Count);
    }

    private InMemoryClientStateStore Store(int maxEntries) =>
        new(Microsoft.Extensions.Options.Options.Create(new GatewayOptions { ClientState = new ClientStateOptions { MaxEntries = maxEntries } }), _clock);
}
