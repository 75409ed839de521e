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
    public void RecaptureStream_IsFlaggedByTheReference_ButNotWithAMinDistance_WhileJbdaStillIs()
    {
        // A benign client that sends each picture two or three times (a camera re-capturing it: a shift of up to one
        // pixel, sensor noise, a brightness change) adds a mode of near-zero distances no natural stream has: the
        // copies taken with the same shift. The shipped floor (0.5) drops those; copies without any shift but with
        // ±5 % brightness reach 0.5–1 and still pull W down at this floor (a floor of 0.75–1 spares them too, but then
        // PRADA no longer sees the transformed SimBA walk of docs/extraction.md).
        var floored = new DistanceDistributionDetector(new DistanceDistributionOptions(MinDistance: 0.5));
        var reference = DistanceDistributionMeasurement.Trajectory(Defaults, Recaptured(seed: 3), 700);
        var withFloor = DistanceDistributionMeasurement.Trajectory(floored, Recaptured(seed: 3), 700);
        var jbda = DistanceDistributionMeasurement.Trajectory(floored, DistanceDistributionMeasurement.Jbda(1), 500);

        Assert.NotNull(DistanceDistributionMeasurement.FirstBelow(reference, Delta));
        Assert.True(withFloor.Count >= 30, $"only {withFloor.Count} tests ran");
        Assert.All(withFloor, t => Assert.True(t.W > Delta, $"W = {t.W:F3} after {t.Queries} queries"));
        Assert.InRange(DistanceDistributionMeasurement.FirstBelow(jbda, Delta) ?? int.MaxValue, 150, 500);
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
        Assert.Equal(1.5, Assert.IsType<DistanceDistributionDetector>(DefenseFactory.CreateStreamDetector("distanceDistribution", new Dictionary<string, object> { ["minDistance"] = 1.5 })).Options.MinDistance);
        Assert.NotEmpty(DefenseFactory.Validate("distanceDistribution", new Dictionary<string, object> { ["minDistance"] = -1.0 }));
        Assert.Equal((DefenseStage.Stream, "AML.T0024.002", true), (definition.Stage, definition.AtlasTechniqueId, definition.FlagsBelowThreshold));
        Assert.Contains(bad, e => e.Contains("'minDistances' (1000) must be below 'maxDistances' (500)"));
    }

    private static IEnumerable<(float[] Query, int Label)> Recaptured(int seed)
    {
        var random = new Random(seed);
        foreach (var (digit, label) in DistanceDistributionMeasurement.Benign(300))
        {
            for (var copy = 2 + random.Next(2); copy > 0; copy--)
            {
                var (dx, dy) = (random.Next(-1, 2), random.Next(-1, 2));
                var gain = 1 + (0.05f * ((2 * random.NextSingle()) - 1));
                var taken = new float[digit.Length];
                for (var y = 0; y < 28; y++)
                {
                    for (var x = 0; x < 28; x++)
                    {
                        var (sx, sy) = (x - dx, y - dy);
                        var v = sx is >= 0 and < 28 && sy is >= 0 and < 28 ? digit[(sy * 28) + sx] : 0f;
                        taken[(y * 28) + x] = Math.Clamp((v * gain) + (0.02f * ((2 * random.NextSingle()) - 1)), 0f, 1f);
                    }
                }

                yield return (taken, label);
            }
        }
    }

    private static byte[] Bytes(DistanceDistributionState state)
    {
        var buffer = new ArrayBufferWriter<byte>();
        state.WriteTo(buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
