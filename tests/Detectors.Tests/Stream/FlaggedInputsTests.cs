using System.Buffers;
using NeuralSec.Detectors.Catalog;
using NeuralSec.Detectors.Stream;

namespace NeuralSec.Detectors.Tests.Stream;

public sealed class FlaggedInputsTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly FlaggedInputsDetector Defaults = new(new FlaggedInputsOptions());

    /// <summary>The score after a stream of verdicts, one request a second.</summary>
    private static FlaggedInputsResult Run(IEnumerable<bool> flagged)
    {
        var state = Defaults.NewState();
        var result = default(FlaggedInputsResult);
        var i = 0;
        foreach (var f in flagged)
        {
            result = Defaults.Observe(state, f, Start.AddSeconds(i++));
        }

        return result;
    }

    [Fact]
    public void An_all_refused_client_is_flagged_after_a_handful_of_requests_a_benign_one_at_the_base_rate_never()
    {
        // 6 of 6 flagged at p0 = 0.01: the bound is 6 · ln(100) / ln(10) = 12 (one chance in 10^12).
        Assert.Equal(12, Run(Enumerable.Repeat(true, 6)).Score, 6);
        Assert.Equal(0, Run(Enumerable.Repeat(true, 4)).Score); // under minFlagged (5)

        // A busy benign client at the base rate (12 of 1,200), and an unlucky one (5 of 150, 3.3 %).
        Assert.Equal(0, Run(Enumerable.Range(0, 1200).Select(i => i % 100 == 0)).Score);
        var unlucky = Run(Enumerable.Range(0, 150).Select(i => i % 30 == 0));
        Assert.Equal((150, 5), (unlucky.Judged, unlucky.Flagged));
        Assert.InRange(unlucky.Score, 0.5, 1.5);
    }

    [Fact]
    public void A_client_that_turns_to_refused_inputs_after_a_clean_history_is_flagged_within_a_few_dozen()
    {
        // JBDA-like: 136 clean natural queries, then its augmented ones, most of them refused.
        var clean = Enumerable.Repeat(false, 136);
        var scores = Enumerable.Range(1, 40).Select(m => Run(clean.Concat(Enumerable.Repeat(true, m))).Score).ToList();
        var first = scores.FindIndex(s => s > 10) + 1;

        Assert.InRange(first, 10, 25);
        Assert.True(scores.Zip(scores.Skip(1)).All(p => p.Second >= p.First), "the score grows with each refused query");
    }

    [Fact]
    public void Score_is_the_Chernoff_bound_and_never_exceeds_the_exact_binomial_surprise()
    {
        foreach (var (n, k) in new[] { (10, 5), (50, 8), (200, 12), (1000, 30), (20, 20) })
        {
            // Exact −log10 P(X ≥ k), X ~ Binomial(n, 0.01), summed in log space.
            var terms = Enumerable.Range(k, n - k + 1).Select(i => LogChoose(n, i) + (i * Math.Log(0.01)) + ((n - i) * Math.Log(0.99))).ToArray();
            var max = terms.Max();
            var exact = -(max + Math.Log(terms.Sum(t => Math.Exp(t - max)))) / Math.Log(10);

            var bound = Defaults.Score(n, k);
            Assert.True(bound > 0 && bound <= exact + 1e-9, $"n {n}, k {k}: bound {bound}, exact {exact}");
        }

        Assert.Equal(0, Defaults.Score(100, 1));
        Assert.Equal(0, Defaults.Score(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Defaults.Score(3, 4));
    }

    [Fact]
    public void Window_slides_old_buckets_stop_counting()
    {
        var state = Defaults.NewState();
        for (var i = 0; i < 60; i++)
        {
            Defaults.Observe(state, flagged: true, Start.AddMinutes(i));
        }

        var full = Defaults.Observe(state, true, Start.AddMinutes(60));
        var muchLater = Defaults.Observe(state, false, Start.AddHours(5));
        var tooOld = Defaults.Observe(state, true, Start);

        Assert.InRange(full.Judged, 56, 61); // one bucket (5 min) of resolution
        Assert.Equal(full.Judged, full.Flagged);
        Assert.Equal((1, 0), (muchLater.Judged, muchLater.Flagged));
        Assert.Equal(muchLater, tooOld); // older than the window: adds nothing
    }

    [Fact]
    public void State_round_trips_is_bounded_and_refuses_damage()
    {
        var state = Defaults.NewState();
        var random = new Random(5);
        for (var i = 0; i < 3000; i++)
        {
            Defaults.Observe(state, random.NextDouble() < 0.2, Start.AddSeconds(3 * i));
        }

        var good = Bytes(state);
        var read = Defaults.ReadState(good);

        Assert.Equal(Defaults.Observe(state, true, Start.AddSeconds(9_001)), Defaults.Observe(read, true, Start.AddSeconds(9_001)));
        Assert.Equal(3 + 4 + 8 + 8 + (12 * 16), good.Length);
        for (var cut = 0; cut < good.Length; cut += 7)
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
                // Refused is right; a flipped low bit of a count can still be a valid state. Anything else fails.
            }
        }

        Assert.Throws<FormatException>(() => Defaults.ReadState([.. good, 1]));
        Assert.Throws<FormatException>(() => new FlaggedInputsDetector(new FlaggedInputsOptions(TimeSpan.FromHours(2))).ReadState(good));
    }

    [Fact]
    public void Definition_builds_the_detector_from_policy_options()
    {
        var built = Assert.IsType<FlaggedInputsDetector>(DefenseFactory.CreateStreamDetector("flaggedInputs", new Dictionary<string, object> { ["window"] = 600L, ["baseRate"] = 0.02, ["minFlagged"] = 3L }));
        var definition = DefenseCatalog.Find("flaggedInputs")!;

        Assert.Equal(new FlaggedInputsOptions(TimeSpan.FromMinutes(10), 12, 0.02, 3), built.Options);
        Assert.Equal(new FlaggedInputsOptions(), Assert.IsType<FlaggedInputsDetector>(DefenseFactory.CreateStreamDetector("flaggedInputs")).Options);
        Assert.Equal((DefenseStage.Stream, "AML.T0043", false), (definition.Stage, definition.AtlasTechniqueId, definition.FlagsBelowThreshold));
        Assert.Throws<ArgumentException>(() => new FlaggedInputsDetector(new FlaggedInputsOptions(TimeSpan.FromHours(1), BaseRate: 1)));
    }

    private static double LogChoose(int n, int k) => LogFactorial(n) - LogFactorial(k) - LogFactorial(n - k);

    private static double LogFactorial(int n) => Enumerable.Range(1, n).Sum(i => Math.Log(i));

    private static byte[] Bytes(FlaggedInputsState state)
    {
        var buffer = new ArrayBufferWriter<byte>();
        state.WriteTo(buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
