using System.Runtime.InteropServices;
using Grpc.Core;
using NeuralSec.Detectors;
using NeuralSec.Detectors.Stream;
using NeuralSec.Gateway.Tests.Infrastructure;

namespace NeuralSec.Gateway.Tests.ClientState.Redis;

/// <summary>
/// End to end: one client's query stream split over two real sidecars sharing one real Redis, under a PRADA policy
/// (whose history Redis keeps in parts: the shared counters and ring, one class's set per update). Every test PRADA
/// runs — at which query, and the W it finds — is the one a single detector finds over the whole stream in process:
/// the two replicas keep one history, query for query. Monitor mode, and a threshold every test reaches, so every test
/// is alerted and the stream answered to the end.
/// </summary>
public sealed class SharedPradaAcrossSidecarsTests : IAsyncLifetime
{
    private const int Queries = 400;
    private const double Threshold = 0.9999;

    private readonly PolicyFolder _policies = new();
    private readonly ApiKeysFile _keys = new();
    private RedisServer _redis = null!;
    private GatewayServer _first = null!;
    private GatewayServer _second = null!;

    public async Task InitializeAsync()
    {
        _policies.Write("prada.yaml", PolicyFolder.Policy("shared-prada", $$"""
              models: [mnist]
              mode: monitor
              input:
                image: { tensor: input, layout: NCHW, range: [0, 1] }
              extraction:
                detectors:
                  - type: distanceDistribution
                    threshold: {{Threshold}}
                    action: throttle
            """));
        await _keys.WriteAsync(("walker", "", "key-walker"));
        _redis = await RedisServer.StartAsync();
        var settings = RedisStores.SidecarSettings(_redis, _policies.Path);
        settings["NeuralSec:Identity:ApiKeysFile"] = _keys.Path;
        _first = await GatewayServer.StartAsync(settings);
        _second = await GatewayServer.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        await _redis.DisposeAsync();
        _policies.Dispose();
        _keys.Dispose();
    }

    [Fact]
    public async Task Two_replicas_run_the_tests_one_detector_runs_over_the_whole_stream()
    {
        var detector = (DistanceDistributionDetector)DefenseFactory.CreateStreamDetector("distanceDistribution");
        var state = detector.NewState();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var expected = new List<(int Query, double W)>();
        var requestIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var random = new Random(11);
        var last = string.Empty;
        var image = TestDigits.Image(5);
        for (var i = 1; i <= Queries; i++)
        {
            // A SimBA-shaped walk (one pixel ±0.2 per query, every fourth query a fresh digit): synthetic distances.
            image = i % 4 == 0 ? TestDigits.Image(100 + i) : SimbaStep.Next(image, random);
            var sidecar = i % 2 == 0 ? _second : _first;
            var call = sidecar.Client.ModelInferAsync(InferRequests.Raw(image), new Metadata { { "x-api-key", "key-walker" } });
            var label = InferRequests.ArgMax(InferRequests.Logits(await call.ResponseAsync));
            requestIds[call.GetTrailers().GetValue("x-neuralsec-request-id")!] = i;

            // The same stream through one in-process detector; an exact repeat is not a new query, as in the gateway.
            if (seen.Add(Convert.ToBase64String(MemoryMarshal.AsBytes(image.AsSpan()))))
            {
                var result = detector.Observe(state, image, label);
                last = $"{i}: evaluated {result.Evaluated} W {result.W} pooled {result.Pooled} queries {state.Queries}";
                if (result.Evaluated && result.W < Threshold)
                {
                    expected.Add((i, result.W));
                }
            }
        }

        Assert.True(expected.Count >= 5, $"the walk should be tested several times; {expected.Count} tests; last {last}");
        (int Query, double W)[] alerted = [];
        await Wait.Until(() =>
        {
            alerted = Tests(_first).Concat(Tests(_second))
                .Where(t => requestIds.ContainsKey(t.RequestId))
                .Select(t => (requestIds[t.RequestId], t.W))
                .OrderBy(t => t.Item1)
                .ToArray();
            return alerted.Length >= expected.Count;
        }, $"the two sidecars alerted {expected.Count} PRADA tests, as many as one detector ran over the whole stream");

        Assert.Equal(expected.Select(e => e.Query), alerted.Select(a => a.Query));
        for (var k = 0; k < expected.Count; k++)
        {
            Assert.Equal(expected[k].W, alerted[k].W, 1e-12);
        }

        // Both replicas ran some of the tests: neither history alone could have reached them at these queries.
        Assert.Contains(alerted, a => a.Query % 2 == 0);
        Assert.Contains(alerted, a => a.Query % 2 == 1);
    }

    /// <summary>The PRADA tests a sidecar alerted: request id and W.</summary>
    private static IEnumerable<(string RequestId, double W)> Tests(GatewayServer server) =>
        from alert in server.Alerts()
        let id = alert.GetProperty("metadata").GetProperty("correlation_uid").GetString()
        from detector in alert.GetProperty("unmapped").GetProperty("neuralsec").GetProperty("detectors").EnumerateArray()
        where detector.GetProperty("name").GetString() == "distanceDistribution" && detector.GetProperty("flagged").GetBoolean()
        select (id!, detector.GetProperty("score").GetDouble());
}
