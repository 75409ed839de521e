using Microsoft.Extensions.Time.Testing;
using NeuralSec.Detectors.Stream;
using NeuralSec.Gateway.ClientState;
using NeuralSec.Gateway.Options;

namespace NeuralSec.Gateway.Tests.ClientState;

/// <summary>The in-memory near-duplicate store's exact repeats: reported as such, neither matched nor added, and
/// naming the first send when its sender was degraded (as the Redis store does).</summary>
public sealed class InMemoryNearDuplicateStoreTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly InMemoryNearDuplicateStore _store;

    public InMemoryNearDuplicateStoreTests()
    {
        _store = new InMemoryNearDuplicateStore(Microsoft.Extensions.Options.Options.Create(new GatewayOptions()), _clock);
    }

    [Fact]
    public async Task A_repeat_names_the_first_send_only_when_its_sender_was_degraded_and_only_within_the_retention()
    {
        var first = new QueryReference("req-1", "degraded-account", _clock.GetUtcNow()) { FromDegradedClient = true };
        Assert.False((await AddAsync(42, 7, first)).Repeat);
        var repeat = await AddAsync(42, 7, new QueryReference("req-2", "clean-account", _clock.GetUtcNow()));
        Assert.True(repeat.Repeat);
        Assert.Equal(first, repeat.DegradedOriginal);

        await AddAsync(500, 9, new QueryReference("req-3", "ordinary", _clock.GetUtcNow()));
        var popular = await AddAsync(500, 9, new QueryReference("req-4", "degraded-account", _clock.GetUtcNow()) { FromDegradedClient = true });
        Assert.True(popular.Repeat);
        Assert.Null(popular.DegradedOriginal);

        // A send whose answer was degraded though its sender was not (a copy of a degraded send), marked afterwards.
        var copy = new QueryReference("req-6", "copier", _clock.GetUtcNow());
        await AddAsync(900, 11, copy);
        await _store.MarkDegradedAsync("p", 11, copy with { FromDegradedClient = true }, CancellationToken.None);
        Assert.Equal(copy with { FromDegradedClient = true }, (await AddAsync(900, 11, new QueryReference("req-7", "checker", _clock.GetUtcNow()))).DegradedOriginal);
        await _store.MarkDegradedAsync("p", 12, copy, CancellationToken.None); // never sent: nothing to mark
        Assert.False((await AddAsync(950, 12, new QueryReference("req-8", "checker", _clock.GetUtcNow()))).Repeat);

        // Past the retention the image is new again, its first sender forgotten.
        _clock.Advance(TimeSpan.FromHours(2));
        var later = await AddAsync(42, 7, new QueryReference("req-5", "clean-account", _clock.GetUtcNow()));
        Assert.False(later.Repeat);
        Assert.Null(later.DegradedOriginal);
    }

    private ValueTask<NearDuplicateLookup> AddAsync(int start, ulong content, QueryReference query) =>
        _store.MatchAndAddAsync("p", QueryFingerprint.FromHashes(Enumerable.Range(start, 50).Select(i => (ulong)i * 0x9E3779B97F4A7C15UL).ToArray()), content, query, 5, TimeSpan.FromHours(1), CancellationToken.None);
}
