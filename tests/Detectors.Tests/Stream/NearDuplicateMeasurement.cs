using System.Text;
using Microsoft.Extensions.Time.Testing;
using NeuralSec.Detectors.Stream;

namespace NeuralSec.Detectors.Tests.Stream;

/// <summary>What docs/stream-detectors.md reports for nearDuplicate: the benign match rate over the 10,000 fixture digits
/// inserted in order, and how many queries each attack-shaped stream needs before one scores above T.</summary>
internal static class NearDuplicateMeasurement
{
    public const int AttackRuns = 10;
    public const int AttackBudget = 200;

    private static readonly byte[] Secret = "measurement secret"u8.ToArray();

    public static NearDuplicateDetector Detector(NearDuplicateOptions options) => NearDuplicateDetector.Create(options, Secret);

    public static NearDuplicateIndex Index() => new(20_000, TimeSpan.FromDays(1), new FakeTimeProvider());

    /// <summary>Scores (hashes shared with the best earlier match) of the 10,000 digits, each matched against all before it.</summary>
    public static int[] BenignScores(NearDuplicateDetector detector) => [.. BenignMatches(detector, evidence: 0).Select(m => m.SharedHashes)];

    /// <summary>The matches of the 10,000 digits, each fingerprinted on the detector's view and matched against all
    /// before it, with <paramref name="evidence"/> earlier matches ranked.</summary>
    public static NearDuplicateMatch[] BenignMatches(NearDuplicateDetector detector, int evidence)
    {
        var index = Index();
        var matches = new NearDuplicateMatch[Digits.Count];
        for (var i = 0; i < matches.Length; i++)
        {
            matches[i] = index.MatchAndAdd(detector.Fingerprint(Digits.Image(i), 1, 28, 28), Reference(i), evidence);
        }

        return matches;
    }

    /// <summary>1-based position of the first query scoring above the threshold, or null within the budget.</summary>
    public static int? QueriesToFlag(NearDuplicateDetector detector, IEnumerable<float[]> stream, int threshold, int budget = AttackBudget)
    {
        var index = Index();
        var n = 0;
        foreach (var query in stream.Take(budget))
        {
            n++;
            if (index.MatchAndAdd(detector.Fingerprint(query), Reference(n), 0).SharedHashes > threshold)
            {
                return n;
            }
        }

        return null;
    }

    public static IEnumerable<(string Name, Func<int, IEnumerable<float[]>> Stream)> Attacks()
    {
        // Runs start from digits of the test split, one per run.
        yield return ("SimBA pixel", run => AttackStreams.SimBa(Digits.Test.Image(run).ToArray(), dct: false, seed: run));
        yield return ("SimBA DCT", run => AttackStreams.SimBa(Digits.Test.Image(run).ToArray(), dct: true, seed: run));
        yield return ("Square", run => AttackStreams.Square(Digits.Test.Image(run).ToArray(), seed: run));
        yield return ("HopSkipJump", run => AttackStreams.HopSkipJump(Digits.Test.Image(run).ToArray(), seed: run));
    }

    /// <summary>Worst run's queries to flag (null: some run not flagged within the budget).</summary>
    public static int? WorstQueriesToFlag(NearDuplicateDetector detector, Func<int, IEnumerable<float[]>> stream, int threshold)
    {
        var worst = 0;
        for (var run = 0; run < AttackRuns; run++)
        {
            if (QueriesToFlag(detector, stream(run), threshold) is not { } n)
            {
                return null;
            }

            worst = Math.Max(worst, n);
        }

        return worst;
    }

    public static double RateAbove(int[] scores, int threshold) => scores.Count(s => s > threshold) / (double)scores.Length;

    /// <summary>The markdown table of docs/stream-detectors.md.</summary>
    public static string Table()
    {
        var text = new StringBuilder();
        text.AppendLine("| w | S | ink-free windows | T | benign > T | max benign | SimBA pixel | SimBA DCT | Square | HopSkipJump |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (w, s, all) in new[] { (50, 50, true), (50, 50, false), (20, 50, true), (20, 50, false), (50, 100, false) })
        {
            var detector = Detector(new NearDuplicateOptions(Window: w, FingerprintSize: s) { HashInkFreeWindows = all });
            var scores = BenignScores(detector);
            foreach (var t in new[] { s / 2, (s * 3) / 5 })
            {
                text.Append(FormattableString.Invariant($"| {w} | {s} | {(all ? "hashed" : "skipped")} | {t} | {RateAbove(scores, t):P2} | {scores.Max()} |"));
                foreach (var (_, stream) in Attacks())
                {
                    var worst = WorstQueriesToFlag(detector, stream, t);
                    text.Append(worst is { } n ? FormattableString.Invariant($" {n} |") : FormattableString.Invariant($" > {AttackBudget} |"));
                }

                text.AppendLine();
            }
        }

        return text.ToString();
    }

    private static QueryReference Reference(int i) => new(i.ToString(System.Globalization.CultureInfo.InvariantCulture), "c", DateTimeOffset.UnixEpoch);
}
