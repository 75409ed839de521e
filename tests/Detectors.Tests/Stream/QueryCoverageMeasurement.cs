using System.Text;
using NeuralSec.Detectors.Stream;

namespace NeuralSec.Detectors.Tests.Stream;

/// <summary>
/// What docs/stream-detectors.md reports for queryCoverage: the profile of client streams over one window. Outputs come from a
/// nearest-class-mean classifier fit on the fixture's train split (softmax of −distance²/τ, a real if weak model); novelty is
/// 1 − shared/S of the near-duplicate index's best match, as the gateway computes it.
/// </summary>
internal static class QueryCoverageMeasurement
{
    public const int Queries = 500;

    private static readonly Lazy<float[][]> Means = new(() =>
    {
        var means = Enumerable.Range(0, 10).Select(_ => new float[Digits.Pixels]).ToArray();
        var counts = new int[10];
        for (var i = 0; i < Digits.Train.Count; i++)
        {
            var label = Digits.Train.Labels[i];
            counts[label]++;
            var image = Digits.Train.Image(i);
            for (var p = 0; p < image.Length; p++)
            {
                means[label][p] += image[p];
            }
        }

        for (var c = 0; c < 10; c++)
        {
            for (var p = 0; p < Digits.Pixels; p++)
            {
                means[c][p] /= counts[c];
            }
        }

        return means;
    });

    public static float[] Probabilities(ReadOnlySpan<float> image, double temperature = 5)
    {
        var logits = new double[10];
        for (var c = 0; c < 10; c++)
        {
            logits[c] = -System.Numerics.Tensors.TensorPrimitives.Distance(image, Means.Value[c]) * System.Numerics.Tensors.TensorPrimitives.Distance(image, Means.Value[c]) / temperature;
        }

        var max = logits.Max();
        var exp = logits.Select(l => Math.Exp(l - max)).ToArray();
        var sum = exp.Sum();
        return exp.Select(e => (float)(e / sum)).ToArray();
    }

    public static double Margin(float[] p)
    {
        var sorted = p.OrderDescending().ToArray();
        return sorted[0] - sorted[1];
    }

    /// <summary>The streams compared: name → the client's images, in order.</summary>
    public static IEnumerable<(string Name, Func<IEnumerable<float[]>> Images)> Streams()
    {
        var test = Digits.Test;
        yield return ("benign app, fresh natural digits", () => Enumerable.Range(0, Queries).Select(i => test.Image(i).ToArray()));
        yield return ("benign app, one class (90% digit 1)", () => OneClassHeavy());
        yield return ("client retrying one digit", () => Enumerable.Repeat(test.Image(7).ToArray(), Queries));
        yield return ("Knockoff random (natural pool)", () => Enumerable.Range(Queries, Queries).Select(i => test.Image(i).ToArray()));
        yield return ("Knockoff adaptive (uncertain first)", () => Uncertain());
    }

    public static QueryCoverageResult Run(Func<IEnumerable<float[]>> images, QueryCoverageOptions? options = null)
    {
        var detector = new QueryCoverageDetector(options ?? new QueryCoverageOptions());
        var state = detector.NewState();
        var near = NearDuplicateMeasurement.Detector(new NearDuplicateOptions());
        var index = NearDuplicateMeasurement.Index();
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var result = default(QueryCoverageResult);
        var n = 0;
        foreach (var image in images())
        {
            // 500 queries spread over 50 minutes: inside one default window.
            var shared = index.MatchAndAdd(near.Fingerprint(image), new QueryReference("r", "c", start), 0).SharedHashes;
            var novelty = 1 - (shared / (double)near.FingerprintSize);
            result = detector.Observe(state, Probabilities(image), novelty, start.AddSeconds(6 * n++));
        }

        return result;
    }

    public static string Table()
    {
        var text = new StringBuilder();
        text.AppendLine("| stream (500 queries in 50 min) | score | class coverage | mean output entropy | boundary fraction | mean novelty |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (var (name, images) in Streams())
        {
            var r = Run(images);
            text.AppendLine(FormattableString.Invariant($"| {name} | {r.Score:F0} | {r.ClassCoverage:F2} | {r.MeanEntropy:F2} | {r.BoundaryFraction:F2} | {r.MeanNovelty:F2} |"));
        }

        return text.ToString();
    }

    private static IEnumerable<float[]> OneClassHeavy()
    {
        var test = Digits.Test;
        var ones = Enumerable.Range(0, test.Count).Where(i => test.Labels[i] == 1).ToArray();
        var others = Enumerable.Range(0, test.Count).Where(i => test.Labels[i] != 1).ToArray();
        for (var i = 0; i < Queries; i++)
        {
            yield return test.Image(i % 10 == 0 ? others[i] : ones[i % ones.Length]).ToArray();
        }
    }

    // Knockoff's adaptive policy rewards uncertain answers: the pool's digits with the smallest margin first.
    private static IEnumerable<float[]> Uncertain()
    {
        var test = Digits.Test;
        return Enumerable.Range(0, test.Count)
            .Select(i => (Index: i, Margin: Margin(Probabilities(test.Image(i)))))
            .OrderBy(t => t.Margin)
            .Take(Queries)
            .Select(t => test.Image(t.Index).ToArray());
    }
}
