using NeuralSec.Data;
using NeuralSec.Detectors.Stream;
using NeuralSec.RedTeam.Stream;

namespace NeuralSec.RedTeam.Fingerprints;

/// <summary>
/// Whether a near-duplicate fingerprint still sees the OARS-style attacker (every query a random transform of the
/// point it wants scored) without matching benign traffic, per <see cref="DiagnosedView"/> and fingerprint
/// setting: the hashes two transformed copies of one digit share (what the attacker's queries share with each other),
/// the same for re-capture copies (the similar-but-benign camera client), and the most a natural digit shares with any
/// other digit of the pool (what a benign client's query matches by chance). Offline, no sidecar: the fingerprint is
/// <see cref="NearDuplicateDetector"/>'s own.
/// </summary>
internal static class FingerprintDiagnosis
{
    /// <summary>The shipped policy's threshold: a match is more than this many shared hashes of 50.</summary>
    public const int Threshold = 30;

    /// <summary>The fingerprint settings tried: the shipped one (q 50, w 20) and finer ones.</summary>
    public static IReadOnlyList<(int Quantization, int Window)> Settings { get; } = [(50, 20), (80, 20), (80, 10), (50, 10)];

    public static IReadOnlyList<FingerprintRow> Run(MnistSplit digits, int pairs, int seed)
    {
        ArgumentNullException.ThrowIfNull(digits);
        var attacker = new QueryTransform();
        var recapture = BenignTraffic.RecaptureTransform;
        var secret = System.Text.Encoding.UTF8.GetBytes($"fingerprint-diagnosis-{seed}");
        var rows = new List<FingerprintRow>();
        foreach (var view in DiagnosedView.All)
        {
            foreach (var (q, w) in Settings)
            {
                var detector = NearDuplicateDetector.Create(new NearDuplicateOptions(Quantization: q, Window: w), secret);
                QueryFingerprint Print(ReadOnlySpan<float> image) => detector.Fingerprint(view.Apply(image));
                var random = new Random(seed);
                var attack = new int[pairs];
                var aware = new int[pairs];
                var camera = new int[pairs];
                var shorn = new int[pairs];
                for (var i = 0; i < pairs; i++)
                {
                    var digit = digits.Image(i % digits.Count);
                    attack[i] = Print(attacker.Apply(digit, random)).Shared(Print(attacker.Apply(digit, random)));
                    aware[i] = Print(QueryTransform.ViewAware.Apply(digit, random)).Shared(Print(QueryTransform.ViewAware.Apply(digit, random)));
                    camera[i] = Print(recapture.Apply(digit, random)).Shared(Print(recapture.Apply(digit, random)));
                    shorn[i] = Print(QueryTransform.UprightAware.Apply(digit, random)).Shared(Print(QueryTransform.UprightAware.Apply(digit, random)));
                }

                var pool = Enumerable.Range(0, digits.Count).Select(i => Print(digits.Image(i))).ToArray();
                var benign = new int[Math.Min(pairs, pool.Length)];
                for (var i = 0; i < benign.Length; i++)
                {
                    var best = 0;
                    for (var j = 0; j < pool.Length; j++)
                    {
                        if (j != i)
                        {
                            best = Math.Max(best, pool[i].Shared(pool[j]));
                        }
                    }

                    benign[i] = best;
                }

                rows.Add(new FingerprintRow(view.Name, q, w, Summary.Of(attack), Summary.Of(aware), Summary.Of(shorn), Summary.Of(camera), Summary.Of(benign), pool.Length));
            }
        }

        return rows;
    }
}

/// <summary>One view and setting: shared-hash summaries of attacker copies, view-aware attacker copies, upright-aware
/// attacker copies, re-capture copies and benign best matches.</summary>
/// <param name="ViewAware">Copies under <see cref="QueryTransform.ViewAware"/>: also rotated and rescaled.</param>
/// <param name="UprightAware">Copies under <see cref="QueryTransform.UprightAware"/>: also shorn.</param>
internal sealed record FingerprintRow(string View, int Quantization, int Window, Summary Attacker, Summary ViewAware, Summary UprightAware, Summary Recapture, Summary Benign, int Pool);

/// <summary>Percentiles of shared hashes, and the share above <see cref="FingerprintDiagnosis.Threshold"/> (a detector flags a
/// score above its threshold).</summary>
internal sealed record Summary(int P10, int P50, int P99, int Max, double Matching)
{
    public static Summary Of(int[] values)
    {
        var sorted = values.Order().ToArray();
        int At(double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
        return new Summary(At(0.1), At(0.5), At(0.99), sorted[^1], sorted.Count(v => v > FingerprintDiagnosis.Threshold) / (double)sorted.Length);
    }
}
