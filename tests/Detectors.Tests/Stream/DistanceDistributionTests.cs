using System.Buffers;
using NeuralSec.Detectors.Catalog;
using NeuralSec.Detectors.Stream;

namespace NeuralSec.Detectors.Tests.Stream;

public sealed class DistanceDistributionTests
{
    /// <summary>The δ docs/stream-detectors.md recommends for MNIST (the paper's MNIST range is 0.95–0.96).</summary>
    private const double Delta = 0.96;

    private static readonly DistanceDistributionDetector Defaults = new(new DistanceDistributionOptions());

    [Fact]
    public void BenignStream_OfAThousandTestDigits_KeepsWAboveDelta_AtEveryTest()
    {
        var tests = DistanceDistributionMeasurement.Trajectory(Defaults, DistanceDistributionMeasurement.Benign(1000), 1000);

        Assert.True(tests.Count >= 80, $"only {tests.Count} tests ran");
        Assert.All(tests, t => Assert.True(t.W > Delta, $"W = {t.W:F3} after {t.Queries} queries"));
    }

    [Fact]
    public void JbdaStream_FallsBelowDelta_Within200To500Queries()
    {
        var tests = DistanceDistributionMeasurement.Trajectory(Defaults, DistanceDistributionMeasurement.Jbda(1), 500);

        Assert.InRange(DistanceDistributionMeasurement.FirstBelow(tests, Delta) ?? int.MaxValue, 150, 500);
        Assert.InRange(DistanceDistributionMeasurement.FirstBelow(tests, 0.9) ?? int.MaxValue, 150, 500);
    }

    [Fact]
    public void NoiseAfterNaturalDigits_FallsBelowDelta_ButPureNoiseDoesNot()
    {
        // Distances between independent noise images are sums of many independent terms, so they are near-normal themselves:
        // PRADA's statistic cannot see a pure-noise client. Switching from digits to noise it sees (two modes).
        var pure = DistanceDistributionMeasurement.Trajectory(Defaults, DistanceDistributionMeasurement.Noise(1), 500);
        var switched = DistanceDistributionMeasurement.Trajectory(Defaults, DistanceDistributionMeasurement.Benign(300).Concat(DistanceDistributionMeasurement.Noise(1)), 800);

        Assert.All(pure, t => Assert.True(t.W > 0.95));
        Assert.InRange(DistanceDistributionMeasurement.FirstBelow(switched, Delta) ?? int.MaxValue, 301, 800);
    }

    [Fact]
    public void Observe_TestsEveryTenQueries_OnlyOnceMoreThanMinDistancesArePooled_AndKeepsTheLastW()
    {
        var state = Defaults.NewState();
        var results = DistanceDistributionMeasurement.Benign(200).Select(q => Defaults.Observe(state, q.Query, q.Label)).ToList();
        var first = results.FindIndex(r => r.Evaluated);

        Assert.All(results.Take(first), r => Assert.True(double.IsNaN(r.W)));
        Assert.True(results[first].Pooled > 100);
        Assert.Equal(0, (first + 1) % 10); // tests fall on every tenth query
        Assert.All(results.Where(r => r.Evaluated), r => Assert.InRange(r.W, 0, 1));
        Assert.Equal(results[^2].W, results[^3].W); // sticky between tests
        Assert.Equal(200, state.Queries);
    }

    [Fact]
    public void State_RoundTrips_AndAReadStateContinuesExactlyAsTheOriginal()
    {
        var live = Defaults.NewState();
        var queries = DistanceDistributionMeasurement.Benign(400).ToList();
        foreach (var (q, label) in queries.Take(250))
        {
            Defaults.Observe(live, q, label);
        }

        var stored = Defaults.ReadState(Bytes(live));
        var fromLive = queries.Skip(250).Select(q => Defaults.Observe(live, q.Query, q.Label)).ToList();
        var fromStored = queries.Skip(250).Select(q => Defaults.Observe(stored, q.Query, q.Label)).ToList();

        Assert.Equal(fromLive, fromStored);
        Assert.Equal(Bytes(live), Bytes(stored));
        Assert.Equal(0, Defaults.ReadState(Bytes(Defaults.NewState())).Queries);
    }

    [Fact]
    public void State_IsBoundedByTheOptions_WhateverTheStreamLength()
    {
        var options = new DistanceDistributionOptions(MaxPerClass: 8, MaxDistances: 200, MinDistances: 50);
        var detector = new DistanceDistributionDetector(options);
        var state = detector.NewState();
        var sizes = new List<int>();
        foreach (var (q, label) in DistanceDistributionMeasurement.Noise(3, spread: true).Take(3000))
        {
            detector.Observe(state, q, label);
            sizes.Add(Bytes(state).Length);
        }

        // 10 classes × 8 points × 64 floats + 200 ring entries + headers.
        Assert.Equal(sizes[1500], sizes[^1]);
        Assert.InRange(sizes[^1], (10 * 8 * 64 * 4) + (200 * 6), (10 * 8 * 64 * 4) + (200 * 6) + 1000);
        Assert.InRange(state.ApproximateBytes, sizes[^1], 3 * sizes[^1]);
    }

    [Fact]
    public void ReadState_RefusesDamage_WithFormatException()
    {
        var state = Defaults.NewState();
        foreach (var (q, label) in DistanceDistributionMeasurement.Benign(60))
        {
            Defaults.Observe(state, q, label);
        }

        var good = Bytes(state);
        var random = new Random(11);
        for (var cut = 0; cut < good.Length; cut += 97)
        {
            Assert.Throws<FormatException>(() => Defaults.ReadState(good.AsSpan(0, cut)));
        }

        for (var i = 0; i < 300; i++)
        {
            var damaged = (byte[])good.Clone();
            var at = random.Next(Math.Min(damaged.Length, 200));
            damaged[at] ^= (byte)(1 + random.Next(255));
            try
            {
                Defaults.ReadState(damaged);
            }
            catch (FormatException)
            {
                // Refused is right; read as a state is right too (a flipped float bit can be a valid state). Anything else fails.
            }
        }

        var garbage = new byte[5000];
        random.NextBytes(garbage);
        Assert.Throws<FormatException>(() => Defaults.ReadState(garbage));
        Assert.Throws<FormatException>(() => Defaults.ReadState([.. good, 0]));
        Assert.Throws<FormatException>(() => new DistanceDistributionDetector(new DistanceDistributionOptions(MaxPerClass: 16)).ReadState(good));
    }

    [Fact]
    public void Observe_RefusesAnInputOfAnotherLength()
    {
        var state = Defaults.NewState();
        Defaults.Observe(state, new float[784], 1);

        Assert.Throws<ArgumentException>(() => Defaults.Observe(state, new float[783], 1));
    }

    [Fact]
    public void Definition_BuildsTheDetector_FromPolicyOptions()
    {
        var built = Assert.IsType<DistanceDistributionDetector>(DefenseFactory.CreateStreamDetector("distanceDistribution", new Dictionary<string, object> { ["sketchDimensions"] = 0L }));
        var definition = DefenseCatalog.Find("distanceDistribution")!;
        var bad = DefenseFactory.Validate("distanceDistribution", new Dictionary<string, object> { ["minDistances"] = 1000L, ["maxDistances"] = 500L });

        Assert.Equal(new DistanceDistributionOptions(SketchDimensions: 0), built.Options);
        Assert.Equal((DefenseStage.Stream, "AML.T0024.002", true), (definition.Stage, definition.AtlasTechniqueId, definition.FlagsBelowThreshold));
        Assert.Contains(bad, e => e.Contains("'minDistances' (1000) must be below 'maxDistances' (500)"));
    }

    private static byte[] Bytes(DistanceDistributionState state)
    {
        var buffer = new ArrayBufferWriter<byte>();
        state.WriteTo(buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
