using System.Buffers;
using NeuralSec.Detectors.Catalog;
using NeuralSec.Detectors.Stream;

namespace NeuralSec.Detectors.Tests.Stream;

public sealed class QueryCoverageTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly QueryCoverageDetector Defaults = new(new QueryCoverageOptions());

    private static QueryCoverageResult Stream(string name) =>
        QueryCoverageMeasurement.Run(QueryCoverageMeasurement.Streams().Single(s => s.Name.StartsWith(name, StringComparison.Ordinal)).Images);

    [Fact]
    public void Score_IsNoveltyWeightedVolume_RetriesCostNothing_UncertainQueriesCostMore()
    {
        var natural = Stream("benign app, fresh");
        var retry = Stream("client retrying");
        var adaptive = Stream("Knockoff adaptive");

        Assert.Equal(500, natural.Queries);
        Assert.InRange(natural.Score, 450, 700); // ≈ 500 fresh queries, a sixth of them boundary-weighted
        Assert.InRange(retry.Score, 0, 2);       // the first query is new, the rest novelty 0
        Assert.True(adaptive.Score > 1.3 * natural.Score);
        Assert.True(adaptive.BoundaryFraction > 3 * natural.BoundaryFraction);
    }

    [Fact]
    public void Profile_SeparatesAOneClassClient_ButNotABusyBenignAppFromKnockoffRandom()
    {
        var natural = Stream("benign app, fresh");
        var oneClass = Stream("benign app, one class");
        var random = Stream("Knockoff random");

        Assert.True(oneClass.ClassCoverage < 0.5 && natural.ClassCoverage > 0.9);
        Assert.InRange(random.Score / natural.Score, 0.9, 1.1); // the limitation docs/stream-detectors.md states
    }

    [Fact]
    public void Window_Slides_OldBucketsStopCounting()
    {
        var state = Defaults.NewState();
        float[] p = [0.9f, 0.1f];
        for (var i = 0; i < 60; i++)
        {
            Defaults.Observe(state, p, 1, Start.AddMinutes(i));
        }

        var full = Defaults.Observe(state, p, 1, Start.AddMinutes(60));
        var later = Defaults.Observe(state, p, 1, Start.AddMinutes(90));
        var muchLater = Defaults.Observe(state, p, 1, Start.AddHours(5));
        var tooOld = Defaults.Observe(state, p, 1, Start);

        Assert.InRange(full.Queries, 56, 61);            // one bucket (5 min) of resolution
        Assert.InRange(later.Queries, 26, 36);
        Assert.Equal(1, muchLater.Queries);
        Assert.Equal(muchLater, tooOld);                 // older than the window: adds nothing
        Assert.Equal(0, full.BoundaryFraction);
    }

    [Fact]
    public void Observe_Refuses_BadNoveltyOrProbabilities()
    {
        var state = Defaults.NewState();

        Assert.Throws<ArgumentOutOfRangeException>(() => Defaults.Observe(state, [1f], 1.5, Start));
        Assert.Throws<ArgumentOutOfRangeException>(() => Defaults.Observe(state, [1f], double.NaN, Start));
        Assert.Throws<ArgumentException>(() => Defaults.Observe(state, [], 1, Start));
        Assert.Throws<ArgumentException>(() => Defaults.Observe(state, [0.5f, float.NaN], 1, Start));
    }

    [Fact]
    public void State_RoundTrips_IsBounded_AndRefusesDamage()
    {
        var state = Defaults.NewState();
        var random = new Random(3);
        var sizes = new List<int>();
        for (var i = 0; i < 2000; i++)
        {
            var p = Enumerable.Range(0, 10).Select(_ => (float)random.NextDouble()).ToArray();
            Defaults.Observe(state, p, random.NextDouble(), Start.AddSeconds(7 * i));
            sizes.Add(Bytes(state).Length);
        }

        var good = Bytes(state);
        var read = Defaults.ReadState(good);
        float[] next = [0.2f, 0.3f, 0.5f, 0, 0, 0, 0, 0, 0, 0];

        Assert.Equal(Defaults.Observe(state, next, 0.5, Start.AddSeconds(14_000)), Defaults.Observe(read, next, 0.5, Start.AddSeconds(14_000)));
        Assert.Equal(sizes[0], sizes[^1]);
        Assert.Equal(3 + 24 + (12 * (40 + (10 * 4))), good.Length);
        Assert.Equal(0, Defaults.Observe(Defaults.ReadState(Bytes(Defaults.NewState())), next, 0, Start).Score);

        for (var cut = 0; cut < good.Length; cut += 37)
        {
            Assert.Throws<FormatException>(() => Defaults.ReadState(good.AsSpan(0, cut)));
        }

        for (var i = 0; i < 300; i++)
        {
            var damaged = (byte[])good.Clone();
            damaged[random.Next(damaged.Length)] ^= (byte)(1 + random.Next(255));
            try
            {
                Defaults.ReadState(damaged);
            }
            catch (FormatException)
            {
                // Refused is right; a flipped low bit of a sum can still be a valid state. Anything else fails the test.
            }
        }

        Assert.Throws<FormatException>(() => Defaults.ReadState([.. good, 1]));
        Assert.Throws<FormatException>(() => new QueryCoverageDetector(new QueryCoverageOptions(TimeSpan.FromHours(2))).ReadState(good));
    }

    [Fact]
    public void Definition_BuildsTheDetector_FromPolicyOptions()
    {
        var built = Assert.IsType<QueryCoverageDetector>(DefenseFactory.CreateStreamDetector("queryCoverage", new Dictionary<string, object> { ["window"] = 600L, ["buckets"] = 10L }));
        var definition = DefenseCatalog.Find("queryCoverage")!;

        Assert.Equal(new QueryCoverageOptions(TimeSpan.FromMinutes(10), 10), built.Options);
        Assert.Equal(new QueryCoverageOptions(), Assert.IsType<QueryCoverageDetector>(DefenseFactory.CreateStreamDetector("queryCoverage")).Options);
        Assert.Equal((DefenseStage.Stream, "AML.T0024.002", false), (definition.Stage, definition.AtlasTechniqueId, definition.FlagsBelowThreshold));
    }

    private static byte[] Bytes(QueryCoverageState state)
    {
        var buffer = new ArrayBufferWriter<byte>();
        state.WriteTo(buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
