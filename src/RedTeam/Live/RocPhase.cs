using NeuralSec.Data;
using NeuralSec.RedTeam.Attacks;
using NeuralSec.RedTeam.Evaluation;
using NeuralSec.RedTeam.Models;
using NeuralSec.RedTeam.Stream;

namespace NeuralSec.RedTeam.Live;

/// <summary>
/// Detection against false positives, per detector, as the live sidecar scores it: benign held-out digits and three
/// sets of successful adversarial digits (PGD-40 at ε 0.1 and 0.3, non-adaptive; the joint adaptive attacker at L∞ 0.1
/// against the defended rule, and against a rule that refuses on any flag) are sent with a key of <see cref="ScoringPolicy.Group"/>, whose monitor-mode policy puts
/// every detector's score of every request into the alerts; each client sends one digit (no stream state).
/// </summary>
internal static class RocPhase
{
    public static async Task<IReadOnlyList<RocCurve>> RunAsync(LiveContext context, Func<int, IReadOnlyList<string>> accounts, InferenceOracle oracle, Func<Task<AlertLog>> alerts)
    {
        var benign = context.Data.Test.Slice(LiveContext.FirstDigit, context.Settings.Quick ? 100 : 500);
        var count = context.Settings.Quick ? 40 : 150;
        var mnist = context.Models.Get(FixtureModels.Classifier);
        var sets = new List<(string Name, float[][] Images)>();
        foreach (var (name, eps, slice) in new[] { ("PGD-40 ε=0.1", 0.1f, 0), ("PGD-40 ε=0.3", 0.3f, 1) })
        {
            var digits = context.Digits(FixtureModels.Classifier, slice, count);
            var batch = AttackCrafter.Craft(mnist, digits, digits.Labels, new AttackSpec("pgd", eps, false), context.Seed);
            sets.Add((name, Digits.Split(batch.SuccessfulImages())));
        }

        if (context.Defended is { } defended)
        {
            // Against the defended rule (scores kept under its refuse lines), and against a rule that refuses on any
            // flag (every score kept under its flag threshold: the detector-evading attacker of Carlini & Wagner 2017).
            var refuseOnFlag = new ResponsePolicy("refuse-on-flag", "refuse when any member flags", null, [.. defended.Flag]);
            foreach (var (name, rule, slice) in new[] { ("adaptive L∞ 0.1 vs the defended rule", defended.Rule, 2), ("adaptive L∞ 0.1 vs refuse-on-flag", refuseOnFlag, 3) })
            {
                var digits = context.Digits(FixtureModels.Classifier, slice, count);
                var adversarial = AdaptiveAttack.CraftAgainst(context, rule, new JointAttackSettings(AttackNorm.LInf, 0.1f, GradedResponseEvaluation.Steps, false, GradedResponseEvaluation.Penalty), digits);
                var predicted = Classify.Predict(mnist.Network, adversarial);
                sets.Add((name, Digits.Split(adversarial).Where((_, i) => predicted[i] != digits.Labels[i]).ToArray()));
            }
        }

        var sent = new List<(string Set, string RequestId)>();
        foreach (var (name, images) in new[] { ("benign", Digits.Split(benign.Images)) }.Concat(sets))
        {
            var clients = accounts(images.Length);
            for (var i = 0; i < images.Length && !context.Clock.Expired; i++)
            {
                sent.Add((name, (await oracle.QueryAsync(clients[i], images[i], context.Clock.Token).ConfigureAwait(false)).RequestId));
            }
        }

        var log = await alerts().ConfigureAwait(false);
        var curves = new List<RocCurve>();
        for (var m = 0; m < KnownPolicy.Members.Count; m++)
        {
            var member = KnownPolicy.Members[m];
            double[] Scores(string set) => sent.Where(s => s.Set == set && log.Scores(s.RequestId).ContainsKey(member)).Select(s => log.Scores(s.RequestId)[member]).ToArray();
            var benignScores = Scores("benign");
            foreach (var (name, _) in sets)
            {
                var curve = RocCurve.Of(member, name, benignScores, Scores(name), context.Defended?.Flag[m] ?? double.NaN);
                curves.Add(curve);
                context.Progress.Step($"ROC {member} on {name}: AUC {curve.Auc:F3} ({curve.Benign} benign, {curve.Positives} adversarial scored); at the policy's threshold TPR {curve.TprAtThreshold:P1}, FPR {curve.FprAtThreshold:P1}");
            }
        }

        return curves;
    }
}
