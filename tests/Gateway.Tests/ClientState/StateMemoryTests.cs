using Microsoft.Extensions.Time.Testing;
using NeuralSec.Detectors;
using NeuralSec.Detectors.Stream;
using NeuralSec.Gateway.ClientState;
using NeuralSec.Gateway.Options;
using NeuralSec.Gateway.QueryStream;
using Xunit.Abstractions;

namespace NeuralSec.Gateway.Tests.ClientState;

/// <summary>
/// Memory of the in-memory stores under a flood: distinct client ids (budgets, sanctions, PRADA and coverage
/// histories) and fingerprinted queries, measured as the managed heap grows and held to the configured bounds. CI
/// runs a tenth of the scale; the full scale — 100,000 client ids and 1,000,000 fingerprinted queries — is
/// <c>NEURALSEC_STATE_SCALE=1 dotnet test tests/Gateway.Tests -c Release --filter "FullyQualifiedName~StateMemoryTests" --logger "console;verbosity=detailed"</c>
/// (docs/extraction.md has its table).
/// </summary>
public sealed class StateMemoryTests(ITestOutputHelper output)
{
    private static readonly double Scale = double.TryParse(Environment.GetEnvironmentVariable("NEURALSEC_STATE_SCALE"), System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : 0.1;
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public async Task A_flood_of_client_ids_and_queries_stays_within_the_configured_bounds()
    {
        var clients = (int)(100_000 * Scale);
        var queries = (int)(1_000_000 * Scale);
        var options = new ClientStateOptions { MaxEntries = 100_000, MaxHistories = 20_000, MaxHistoryBytes = 256L << 20, NearDuplicateCapacity = 100_000 };
        var gateway = Microsoft.Extensions.Options.Options.Create(new GatewayOptions { ClientState = options });
        var state = new InMemoryClientStateStore(gateway, _clock);
        var histories = new InMemoryClientHistoryStore(gateway, _clock);
        var index = new InMemoryNearDuplicateStore(gateway, _clock);
        var prada = (DistanceDistributionDetector)DefenseFactory.CreateStreamDetector("distanceDistribution");
        var coverage = (QueryCoverageDetector)DefenseFactory.CreateStreamDetector("queryCoverage");
        var nearDuplicate = (NearDuplicateDetector)DefenseFactory.CreateStreamDetector("nearDuplicate", resources: new DefenseResources { DeploymentSecret = "memory-test-secret"u8.ToArray() });
        var pradaCodec = new DistanceDistributionCodec(prada, 1);
        var coverageCodec = new QueryCoverageCodec(coverage, 2);
        var random = new Random(7);
        var image = new float[784];
        float[] probabilities = [0.02f, 0.8f, 0.02f, 0.02f, 0.02f, 0.02f, 0.04f, 0.02f, 0.02f, 0.02f];
        var bucket = new TokenBucket(2000, 4000);

        var baseline = Heap();
        for (var c = 0; c < clients; c++)
        {
            // A hostile id: long, odd characters (the door caps ids at 256 characters).
            var key = new ClientKey("p", $"sybil-{c}-" + new string('\u00e9', 200));
            await state.AdmitAsync(key, bucket, null, CancellationToken.None);
            for (var i = 0; i < image.Length; i++)
            {
                image[i] = (float)random.NextDouble();
            }

            await histories.UpdateAsync(key, pradaCodec, s => prada.Observe(s, image, c % 10), TimeSpan.FromHours(1), CancellationToken.None);
            await histories.UpdateAsync(key, coverageCodec, s => coverage.Observe(s, probabilities, 1, _clock.GetUtcNow()), TimeSpan.FromHours(1), CancellationToken.None);
        }

        var afterClients = Heap();
        for (var q = 0; q < queries; q++)
        {
            for (var i = 0; i < 40; i++)
            {
                image[random.Next(image.Length)] = (float)random.NextDouble();
            }

            var fingerprint = nearDuplicate.Fingerprint(image);
            await index.MatchAndAddAsync("p", fingerprint, (ulong)q, new QueryReference($"request-{q}", $"client-{q % 1000}", _clock.GetUtcNow()), 5, TimeSpan.FromDays(1), CancellationToken.None);
        }

        var afterQueries = Heap();
        output.WriteLine($"| what | count | bound | held | managed heap |");
        output.WriteLine($"|---|---:|---:|---:|---:|");
        output.WriteLine($"| client ids (budget + sanctions) | {clients:N0} | {options.MaxEntries:N0} entries | {state.Count:N0} | |");
        output.WriteLine($"| stream histories (PRADA + coverage) | {2 * clients:N0} | {options.MaxHistories:N0} entries, {options.MaxHistoryBytes >> 20} MiB | {histories.Count:N0} ({histories.Bytes >> 20} MiB) | +{(afterClients - baseline) >> 20} MiB |");
        output.WriteLine($"| fingerprinted queries | {queries:N0} | {options.NearDuplicateCapacity:N0} queries | {index.Count:N0} (~{index.ApproximateBytes >> 20} MiB) | +{(afterQueries - afterClients) >> 20} MiB |");
        output.WriteLine($"| per query: PRADA state {prada.NewState().ApproximateBytes:N0} B empty; coverage state {coverage.NewState().ApproximateBytes:N0} B; fingerprint {nearDuplicate.FingerprintSize * 8} B of hashes | | | | |");

        Assert.True(state.Count <= options.MaxEntries);
        Assert.True(histories.Count <= options.MaxHistories);
        Assert.True(histories.Bytes <= options.MaxHistoryBytes);
        Assert.True(index.Count <= options.NearDuplicateCapacity);
        Assert.True(afterQueries - baseline < (2L << 30), $"heap grew by {(afterQueries - baseline) >> 20} MiB");
    }

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
