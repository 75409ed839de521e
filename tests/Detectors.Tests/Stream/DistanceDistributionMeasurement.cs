using System.Text;
using NeuralSec.Detectors.Stream;

namespace NeuralSec.Detectors.Tests.Stream;

/// <summary>What docs/stream-detectors.md reports for distanceDistribution (PRADA): W along a benign stream of natural test
/// digits, and how many queries a JBDA-shaped and a uniform-noise stream take to fall below δ. The predicted class is the
/// fixture's label (a perfect-model stand-in; JBDA's augmentations keep their seed's label, noise gets a random one).</summary>
internal static class DistanceDistributionMeasurement
{
    public static IEnumerable<(float[] Query, int Label)> Benign(int count, int offset = 0) =>
        Enumerable.Range(offset, count).Select(i => (Digits.Test.Image(i % Digits.Test.Count).ToArray(), (int)Digits.Test.Labels[i % Digits.Test.Count]));

    public static IEnumerable<(float[] Query, int Label)> Jbda(int seed)
    {
        // 150 seed digits from the test split (not the benign stream's), then doubling rounds of x + λ·sign(direction).
        var seeds = Enumerable.Range(1000, 150).ToArray();
        return AttackStreams.Jbda(seeds.Select(i => Digits.Test.Image(i).ToArray()).ToList(), seed)
            .Select(q => (q.Query, (int)Digits.Test.Labels[seeds[q.Seed]]));
    }

    /// <summary>Uniform noise; an MNIST model answers most noise with one or two classes, so labels here are 8 or, one time in
    /// five, 3 (<paramref name="spread"/>: uniformly random labels instead, the kindest case for the attacker).</summary>
    public static IEnumerable<(float[] Query, int Label)> Noise(int seed, bool spread = false)
    {
        var random = new Random(seed + 1);
        return AttackStreams.Noise(Digits.Pixels, seed).Select(q => (q, spread ? random.Next(10) : random.Next(5) == 0 ? 3 : 8));
    }

    /// <summary>The W of every test along the stream: (queries so far, W).</summary>
    public static List<(int Queries, double W)> Trajectory(DistanceDistributionDetector detector, IEnumerable<(float[] Query, int Label)> stream, int queries)
    {
        var state = detector.NewState();
        var tests = new List<(int, double)>();
        var n = 0;
        foreach (var (query, label) in stream.Take(queries))
        {
            n++;
            var result = detector.Observe(state, query, label);
            if (result.Evaluated)
            {
                tests.Add((n, result.W));
            }
        }

        return tests;
    }

    public static int? FirstBelow(List<(int Queries, double W)> tests, double delta) =>
        tests.FirstOrDefault(t => t.W < delta) is { Queries: > 0 } hit ? hit.Queries : null;

    public static string Table()
    {
        var text = new StringBuilder();
        text.AppendLine("| sketch | benign W min (1,000 digits) | benign W at 1,000 | JBDA W min (500) | noise W min (500) | noise, random labels, W min | JBDA < 0.90 / 0.95 / 0.96 at | noise < 0.90 / 0.95 / 0.96 at | 300 digits then noise < 0.90 / 0.95 / 0.96 at |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var (k, cap) in new[] { (64, 32), (0, 32), (64, 1024) })
        {
            var detector = new DistanceDistributionDetector(new DistanceDistributionOptions(SketchDimensions: k, MaxPerClass: cap));
            var benign = Trajectory(detector, Benign(1000), 1000);
            var jbda = Trajectory(detector, Jbda(1), 500);
            var noise = Trajectory(detector, Noise(1), 500);
            var spread = Trajectory(detector, Noise(1, spread: true), 500);
            var switched = Trajectory(detector, Benign(300).Concat(Noise(1)), 800);
            text.AppendLine(FormattableString.Invariant(
                $"| {(k == 0 ? "raw" : k.ToString(System.Globalization.CultureInfo.InvariantCulture))}, maxPerClass {cap} | {benign.Min(t => t.W):F3} | {benign[^1].W:F3} | {jbda.Min(t => t.W):F3} | {noise.Min(t => t.W):F3} | {spread.Min(t => t.W):F3} | {At(jbda)} | {At(noise)} | {At(switched)} |"));
        }

        return text.ToString();

        static string At(List<(int Queries, double W)> tests) =>
            string.Join(" / ", new[] { 0.90, 0.95, 0.96 }.Select(d => FirstBelow(tests, d)?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "—"));
    }
}
