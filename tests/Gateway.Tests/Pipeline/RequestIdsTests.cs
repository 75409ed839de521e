using NeuralSec.Gateway.Pipeline;

namespace NeuralSec.Gateway.Tests.Pipeline;

/// <summary>Request ids come from a per-thread block of CSPRNG bytes: still 32 lowercase hex digits, never repeated,
/// across block refills and threads.</summary>
public sealed class RequestIdsTests
{
    [Fact]
    public async Task Ids_are_32_hex_digits_and_unique_across_refills_and_threads()
    {
        // 4 threads × 2,000 ids: each thread refills its 256-id block several times.
        var batches = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            Enumerable.Range(0, 2_000).Select(_ => RequestIds.New()).ToArray())));
        var ids = batches.SelectMany(b => b).ToArray();

        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{32}$", id));
        Assert.Equal(ids.Length, ids.Distinct(StringComparer.Ordinal).Count());

        // Not a constant or a counter: the hex digits are spread as random bytes spread them.
        var zeros = ids.Sum(id => id.Count(c => c == '0'));
        Assert.InRange(zeros / (double)(ids.Length * 32), 1 / 16.0 * 0.9, 1 / 16.0 * 1.1);
    }
}
