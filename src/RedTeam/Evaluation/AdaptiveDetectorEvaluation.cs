using NeuralSec.Detectors;
using NeuralSec.Detectors.Detection;
using NeuralSec.Detectors.Preprocessing;
using NeuralSec.RedTeam.Attacks;
using NeuralSec.RedTeam.Models;

namespace NeuralSec.RedTeam.Evaluation;

/// <summary>Runs <see cref="SqueezeAwarePgd"/> at each ε and λ and scores the results with the real detectors of §1.</summary>
internal static class AdaptiveDetectorEvaluation
{
    public const int Steps = 40;

    /// <summary>Score-penalty weights, and −1 for the all-views cross-entropy objective (see <see cref="SqueezeAwarePgd"/>).</summary>
    public static IReadOnlyList<float> Lambdas { get; } = [0.1f, -1f];

    public static async Task<AdaptiveDetectorResults> RunAsync(EvaluationData data, FixtureModels models, DetectionResults detection, int count, Progress progress, CancellationToken ct)
    {
        const double fpr = Report.EvaluationReport.TargetFpr;
        var mnist = models.Get(FixtureModels.Classifier);
        var fs = Enumerable.Range(0, detection.Detectors.Count).First(d => detection.Detectors[d].Name == "featureSqueezing");
        var fsThreshold = detection.Threshold(fs, fpr);
        IPreprocessor[] squeezers =
        [
            DefenseFactory.CreatePreprocessor("bitDepth", new Dictionary<string, object>(StringComparer.Ordinal) { ["bits"] = 1L }),
            DefenseFactory.CreatePreprocessor("median", new Dictionary<string, object>(StringComparer.Ordinal) { ["size"] = 2L }),
        ];

        var subset = data.Evaluation.Slice(0, Math.Min(count, data.Evaluation.Count));
        var cleanCorrect = Classify.Predict(mnist.Network, subset.Images).Select((p, i) => (p, i)).Where(t => t.p == subset.Labels[t.i]).Select(t => t.i).ToArray();
        var digits = subset.Select(cleanCorrect);
        var context = DetectionEvaluation.Context(models);
        var rows = new List<AdaptiveDetectorRow>();
        foreach (var eps in AttackSpec.Epsilons)
        {
            foreach (var lambda in Lambdas)
            {
                var adv = SqueezeAwarePgd.Perturb(mnist.Network, squeezers, digits.Images, digits.Labels, eps, Steps, lambda, fsThreshold);
                var wrong = Classify.Predict(mnist.Network, adv).Select((p, i) => p != digits.Labels[i]).ToArray();
                var flags = new bool[detection.Detectors.Count][];
                var comboFlags = new List<bool[]>();
                for (var d = 0; d < detection.Detectors.Count; d++)
                {
                    var det = detection.Detectors[d];
                    var scores = await DetectorScoring.ScoreAsync(det.Detector, Digits.AsBatch(adv), context, ct, chunk: 500).ConfigureAwait(false);
                    flags[d] = Rates.Flags(scores, detection.Threshold(d, fpr), det.Detector.FlagsBelowThreshold);
                    if (det.InCombination)
                    {
                        comboFlags.Add(Rates.Flags(scores, detection.Threshold(d, detection.MemberFpr(fpr)), det.Detector.FlagsBelowThreshold));
                    }
                }

                var combo = Rates.Any(comboFlags);
                var successful = Enumerable.Range(0, wrong.Length).Where(i => wrong[i]).ToArray();
                double Of(bool[] f) => successful.Length == 0 ? double.NaN : (double)successful.Count(i => f[i]) / successful.Length;
                double Evade(bool[] f) => digits.Count == 0 ? double.NaN : (double)successful.Count(i => !f[i]) / digits.Count;
                rows.Add(new AdaptiveDetectorRow(eps, lambda, digits.Count, successful.Length, Of(flags[fs]), Of(combo), Evade(flags[fs]), Evade(combo)));
                progress.Step($"squeeze-aware PGD ε={eps} λ={lambda}: {successful.Length}/{digits.Count} misclassified, {Evade(flags[fs]):P1} evade featureSqueezing, {Evade(combo):P1} evade the combination");
            }
        }

        return new AdaptiveDetectorResults { Rows = rows, Steps = Steps, FsThreshold = fsThreshold, Candidates = subset.Count };
    }
}
