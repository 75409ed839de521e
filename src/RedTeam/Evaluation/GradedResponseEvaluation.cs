using NeuralSec.Detectors;
using NeuralSec.Detectors.Calibration;
using NeuralSec.Detectors.Detection;
using NeuralSec.Detectors.Images;
using NeuralSec.Detectors.Preprocessing;
using NeuralSec.RedTeam.Attacks;
using NeuralSec.RedTeam.Models;

namespace NeuralSec.RedTeam.Evaluation;

/// <summary>
/// Section 5 (issue #11): candidate answer rules for the default combination — refuse, repair, graded — measured on the
/// benign evaluation half, on the non-adaptive grid of §1 and against <see cref="JointAdaptiveAttack"/>, which adapts
/// to every member and to the repair at once. Thresholds from the calibration half only.
/// </summary>
internal static class GradedResponseEvaluation
{
    public const int Steps = 40;
    public const float Penalty = 5f;

    /// <summary>The refuse grade of the <c>graded</c> rule: this many times the largest benign calibration score. Far
    /// beyond anything benign (an empirical quantile at 0.1 % would be the maximum itself, and the next benign digit
    /// exceeds the maximum of 1,000 with probability 1/1,001 per member), still far below what non-adaptive noise scores.</summary>
    public const double RefuseFactor = 2;

    /// <summary>The attacks run against each target policy (L∞ and L2 PGD, background-preserving variants, L0).</summary>
    public static IReadOnlyList<JointAttackSettings> Attacks { get; } =
    [
        new(AttackNorm.LInf, 0.1f, Steps, false, Penalty),
        new(AttackNorm.LInf, 0.1f, Steps, true, Penalty),
        new(AttackNorm.LInf, 0.2f, Steps, false, Penalty),
        new(AttackNorm.LInf, 0.3f, Steps, false, Penalty),
        new(AttackNorm.LInf, 0.3f, Steps, true, Penalty),
        new(AttackNorm.L2, 2f, Steps, false, Penalty),
        new(AttackNorm.L2, 3f, Steps, false, Penalty),
        new(AttackNorm.L0, 20f, 20, true, Penalty),
    ];

    public static async Task<GradedResponseResults> RunAsync(EvaluationData data, FixtureModels models, DetectionResults detection, int count, Progress progress, CancellationToken ct)
    {
        const double fpr = Report.EvaluationReport.TargetFpr;
        var members = detection.CombinationMembers.ToArray();
        string[] expected = ["featureSqueezing", "reconstructionError p=2", "statistics"];
        if (!members.Select(m => detection.Detectors[m].Name).SequenceEqual(expected))
        {
            throw new RedTeamException($"the graded evaluation expects the combination [{string.Join(", ", expected)}]");
        }

        var repair = members.Select(m => detection.Threshold(m, detection.MemberFpr(fpr))).ToArray();
        var refuse = members.Select(m => RefuseFactor * detection.BenignCalibration[m].Max()).ToArray();
        var never = members.Select(_ => double.PositiveInfinity).ToArray();
        ResponsePolicy[] policies =
        [
            new("none", "no detector: every request answered as sent", null, never),
            new("refuse", "previous default: refuse when any member flags at 1/3 % (the §1 combination)", null, repair),
            new("repair", "repair when any member flags at 1/3 %; never refuse a single request", repair, never),
            new("graded", "repair when any member flags at 1/3 %; refuse beyond twice a member's largest benign calibration score", repair, refuse),
            new("purify", "answer every request from its bit-depth-1 view (spec.preprocess); refuse as `graded`; the detectors otherwise only alert", members.Select(_ => double.NegativeInfinity).ToArray(), refuse),
        ];

        var mnist = models.Get(FixtureModels.Classifier).Network;
        var bitDepth1 = DefenseFactory.CreatePreprocessor("bitDepth", new Dictionary<string, object>(StringComparer.Ordinal) { ["bits"] = 1L });
        var median2 = DefenseFactory.CreatePreprocessor("median", new Dictionary<string, object>(StringComparer.Ordinal) { ["size"] = 2L });
        byte[] Repaired(float[] images) => Classify.Predict(mnist, Squeezed(bitDepth1, images));

        // Benign evaluation half.
        var evaluation = data.Evaluation;
        var asSent = Classify.Predict(mnist, evaluation.Images);
        var repairedBenign = Repaired(evaluation.Images);
        var benign = policies.Select(p => Benign(p, members.Select(m => detection.BenignEvaluation[m]).ToArray(), asSent, repairedBenign, evaluation.Labels)).ToArray();

        // The non-adaptive grid of §1: its successful examples and the members' scores on them.
        var nonAdaptive = new List<(string, int, double[])>();
        foreach (var attack in detection.Attacks)
        {
            var images = attack.Batch.SuccessfulImages();
            var labels = attack.Batch.Labels.Where((_, i) => attack.Batch.Success[i]).ToArray();
            var predicted = attack.Batch.Predictions.Where((_, i) => attack.Batch.Success[i]).ToArray();
            var repairedLabels = Repaired(images);
            var scores = members.Select(m => attack.Scores[m]).ToArray();
            var stopped = policies.Select(p => Stopped(p, scores, predicted, repairedLabels, labels)).ToArray();
            nonAdaptive.Add((attack.Batch.Spec.Label, labels.Length, stopped));
        }

        // The fully adaptive attacker, against each defended policy in turn.
        var subset = evaluation.Slice(0, Math.Min(count, evaluation.Count));
        var correct = Classify.Predict(mnist, subset.Images).Select((p, i) => (p, i)).Where(t => t.p == subset.Labels[t.i]).Select(t => t.i).ToArray();
        var digits = subset.Select(correct);
        var baseline = StatisticsBaseline.Fit(Digits.AsBatch(data.Calibration.Images));
        var statistics = new StatisticsGradient(baseline);
        var autoencoder = models.Get(FixtureModels.Autoencoder).Network;
        var context = DetectionEvaluation.Context(models);
        var adaptive = new List<AdaptiveOutcome>();
        for (var t = 1; t < policies.Length; t++)
        {
            var target = policies[t];
            var targets = Targets(target);
            foreach (var settings in Attacks)
            {
                var adversarial = JointAdaptiveAttack.Run(mnist, autoencoder, [bitDepth1, median2], statistics, targets,
                    (s, label, repairedLabel) => target.Answer(s, label, repairedLabel), settings, digits.Images, digits.Labels);
                var scores = new double[members.Length][];
                for (var m = 0; m < members.Length; m++)
                {
                    scores[m] = (await DetectorScoring.ScoreAsync(detection.Detectors[members[m]].Detector, Digits.AsBatch(adversarial), context, ct, chunk: 500).ConfigureAwait(false)).ToArray();
                }

                var predicted = Classify.Predict(mnist, adversarial);
                var repairedLabels = Repaired(adversarial);
                var success = policies.Select(p => 1 - Stopped(p, scores, predicted, repairedLabels, digits.Labels)).ToArray();
                var evades = Enumerable.Range(0, members.Length).Select(m => (double)scores[m].Count(s => s <= repair[m]) / digits.Count).ToArray();
                var (refused, repaired) = (0, 0);
                for (var i = 0; i < digits.Count; i++)
                {
                    var s = scores.Select(x => x[i]).ToArray();
                    refused += target.Answer(s, 0, 0) is null ? 1 : 0;
                    repaired += target.Repairs(s) ? 1 : 0;
                }

                var misclassified = (double)predicted.Where((p, i) => p != digits.Labels[i]).Count() / digits.Count;
                adaptive.Add(new AdaptiveOutcome(settings, t, digits.Count, misclassified, success, evades, (double)refused / digits.Count, (double)repaired / digits.Count));
                progress.Step($"{settings.Name} against '{target.Name}': {success[t]:P1} answered wrongly ({refused} refused, {repaired} repaired of {digits.Count})");
            }
        }

        return new GradedResponseResults
        {
            Policies = policies,
            Members = members.Select(m => detection.Detectors[m].Name).ToArray(),
            Chosen = Choose(policies, benign, nonAdaptive, adaptive),
            Benign = benign,
            NonAdaptive = nonAdaptive,
            Adaptive = adaptive,
            AdaptiveCandidates = subset.Count,
            Steps = Steps,
            Penalty = Penalty,
        };
    }

    /// <summary>Among the defended rules refusing at most 0.1 % of benign digits: first those that stop ≥ 99 % of every
    /// non-adaptive attack, then the lowest mean success of the attacks adapted to the rule at the goal budgets (L∞ ε = 0.1
    /// and L2 ε = 2); fewer refusals break ties.</summary>
    private static int Choose(ResponsePolicy[] policies, BenignOutcome[] benign, IReadOnlyList<(string Attack, int Successful, double[] Stopped)> nonAdaptive, IReadOnlyList<AdaptiveOutcome> adaptive)
    {
        var candidates = Enumerable.Range(1, policies.Length - 1).Where(p => benign[p].Refused <= 0.001 * benign[p].Count).ToArray();
        if (candidates.Length == 0)
        {
            candidates = Enumerable.Range(1, policies.Length - 1).ToArray();
        }

        return candidates
            .OrderByDescending(p => nonAdaptive.Where(a => a.Successful > 0).All(a => a.Stopped[p] >= 0.99))
            .ThenBy(p => adaptive.Where(a => a.Target == p && a.Settings is { Norm: AttackNorm.LInf, Epsilon: 0.1f } or { Norm: AttackNorm.L2, Epsilon: 2f }).Average(a => a.Success[p]))
            .ThenBy(p => benign[p].Refused)
            .First();
    }

    /// <summary>What the attacker must stay under per member to get the rule's gentlest answer: the repair threshold
    /// where the rule repairs conditionally, else the refuse threshold (no penalty where neither is finite).</summary>
    internal static JointAttackTargets Targets(ResponsePolicy rule)
    {
        var t = Enumerable.Range(0, rule.Refuse.Length)
            .Select(m => rule.Repair is { } r && double.IsFinite(r[m]) ? r[m] : double.IsFinite(rule.Refuse[m]) ? rule.Refuse[m] : 1e9)
            .ToArray();
        return new JointAttackTargets(t[0], t[1], t[2]);
    }

    private static BenignOutcome Benign(ResponsePolicy policy, double[][] scores, byte[] asSent, byte[] repaired, byte[] labels)
    {
        int refused = 0, repairedCount = 0, repairedRight = 0, unflagged = 0, unflaggedRight = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            var s = scores.Select(x => x[i]).ToArray();
            var answer = policy.Answer(s, asSent[i], repaired[i]);
            if (answer is null)
            {
                refused++;
            }
            else if (policy.Repairs(s))
            {
                repairedCount++;
                repairedRight += answer == labels[i] ? 1 : 0;
            }
            else
            {
                unflagged++;
                unflaggedRight += answer == labels[i] ? 1 : 0;
            }
        }

        return new BenignOutcome(labels.Length, refused, repairedCount, repairedRight, unflagged, unflaggedRight);
    }

    /// <summary>Share of the examples the policy refuses or answers with the true label.</summary>
    private static double Stopped(ResponsePolicy policy, double[][] scores, byte[] asSent, byte[] repaired, byte[] labels)
    {
        if (labels.Length == 0)
        {
            return double.NaN;
        }

        var stopped = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            var answer = policy.Answer(scores.Select(x => x[i]).ToArray(), asSent[i], repaired[i]);
            stopped += answer is null || answer == labels[i] ? 1 : 0;
        }

        return (double)stopped / labels.Length;
    }

    private static float[] Squeezed(IPreprocessor squeezer, float[] images)
    {
        var copy = (float[])images.Clone();
        squeezer.Apply(new ImageBatch(copy, copy.Length / AdversarialBatch.Pixels, 1, 28, 28), new Random(0));
        return copy;
    }
}
