using System.Diagnostics;
using System.Globalization;
using NeuralSec.Data;
using NeuralSec.Detectors;
using NeuralSec.Detectors.Calibration;
using NeuralSec.Detectors.Preprocessing;
using NeuralSec.RedTeam.Attacks;
using NeuralSec.RedTeam.Evaluation;

namespace NeuralSec.RedTeam.Live;

/// <summary>
/// The fully adaptive attacker of evaluate §5 (<see cref="JointAdaptiveAttack"/>), through the API: it reads the
/// defended policy (<see cref="KnownPolicy"/>), crafts offline against that exact rule — the classifier and both
/// squeezed views fooled, every detector's score held under its line (BPDA through the squeezers, exact gradients
/// through the autoencoder and the statistics) — and sends the result. Against the undefended side the same code with
/// no rule is plain margin PGD: the check that the attack works.
/// </summary>
internal sealed class AdaptiveAttack : LiveAttack
{
    private readonly Dictionary<(string, string), float[]> _crafted = [];

    public override string Name => "adaptive";

    public override string Title => "Fully adaptive (joint score minimisation, BPDA through the squeezers)";

    public override string Kind => "adaptive";

    public override string Atlas => "AML.T0043.000";

    public override IReadOnlyList<string> Sides { get; } = [TargetSide.UndefendedName, TargetSide.DefendedName];

    private static IReadOnlyList<JointAttackSettings> Settings(bool quick) => quick
        ? [new(AttackNorm.LInf, 0.1f, GradedResponseEvaluation.Steps, false, GradedResponseEvaluation.Penalty)]
        : [
            new(AttackNorm.LInf, 0.1f, GradedResponseEvaluation.Steps, false, GradedResponseEvaluation.Penalty),
            new(AttackNorm.LInf, 0.2f, GradedResponseEvaluation.Steps, false, GradedResponseEvaluation.Penalty),
            new(AttackNorm.LInf, 0.3f, GradedResponseEvaluation.Steps, false, GradedResponseEvaluation.Penalty),
            new(AttackNorm.L2, 2f, GradedResponseEvaluation.Steps, false, GradedResponseEvaluation.Penalty),
            new(AttackNorm.L0, 20f, 20, true, GradedResponseEvaluation.Penalty),
        ];

    public override async Task<IReadOnlyList<LiveAttackResult>> RunAsync(LiveAttackRun run)
    {
        var context = run.Context;
        var settings = Settings(context.Settings.Quick);
        var results = new List<LiveAttackResult>();
        var rule = run.Side.Firewall
            ? context.Defended?.Rule ?? throw new RedTeamException($"the adaptive attacker reads the defended policy, and there is no policy for '{run.Model}' in the --policies folder: pass --policies DIR with the target's policy")
            : new ResponsePolicy("none", "no defense", null, [double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity]);
        for (var k = 0; k < settings.Count && !context.Clock.Expired; k++)
        {
            var watch = Stopwatch.StartNew();
            var digits = context.Digits(run.Model, k, context.Settings.Images / 2);
            var images = Craft(context, rule, settings[k], digits);
            var sent = Evaluation.Digits.Split(images);
            var originals = Evaluation.Digits.Split(digits.Images);
            var outcomes = await run.SendAllAsync(run.RunName(settings[k].Name), run.Accounts(sent.Length), sent).ConfigureAwait(false);
            var budget = settings[k].Norm == AttackNorm.LInf ? settings[k].Epsilon : (double?)null;
            var result = Tally(run, settings[k].Name, budget, outcomes, digits.Labels, null, null, sent, originals, watch.Elapsed.TotalSeconds,
                string.Create(CultureInfo.InvariantCulture, $"crafted against '{rule.Name}' ({rule.Rule}); {settings[k].Steps} steps, penalty {settings[k].Penalty}") +
                (run.Side.Firewall ? "; a digit the attacker cannot turn within the budget is sent as its last iterate, whose scores the attack pushed past a refuse line: at small budgets most refusals are such failures (docs/evaluation.md §5 finds the same in process)" : string.Empty));
            results.Add(result);
            context.Progress.Step($"{settings[k].Name} against '{rule.Name}' → {run.Side.Name}: {result.Succeeded}/{result.Attempts} answered wrongly ({result.Refused} refused)");
        }

        return results;
    }

    private float[] Craft(LiveContext context, ResponsePolicy rule, JointAttackSettings settings, MnistSplit digits)
    {
        if (!_crafted.TryGetValue((rule.Name, settings.Name), out var images))
        {
            _crafted[(rule.Name, settings.Name)] = images = CraftAgainst(context, rule, settings, digits);
        }

        return images;
    }

    /// <summary>The joint attack on the offline copies against <paramref name="rule"/>.</summary>
    internal static float[] CraftAgainst(LiveContext context, ResponsePolicy rule, JointAttackSettings settings, MnistSplit digits)
    {
        var classifier = context.Models.Get(Models.FixtureModels.Classifier).Network;
        var autoencoder = context.Models.Get(Models.FixtureModels.Autoencoder).Network;
        var bitDepth1 = DefenseFactory.CreatePreprocessor("bitDepth", new Dictionary<string, object>(StringComparer.Ordinal) { ["bits"] = 1L });
        var median2 = DefenseFactory.CreatePreprocessor("median", new Dictionary<string, object>(StringComparer.Ordinal) { ["size"] = 2L });
        var fitted = StatisticsBaseline.Fit(Evaluation.Digits.AsBatch(context.Data.Test.Slice(0, LiveContext.FirstDigit).Images));
        var baseline = context.Defended is { StatisticsMean: { } mean, StatisticsStd: { } std } && mean.Count == fitted.Features.Count && std.Count == fitted.Features.Count
            ? new StatisticsBaseline(fitted.Features, mean, std)
            : fitted;
        return JointAdaptiveAttack.Run(classifier, autoencoder, [bitDepth1, median2], new StatisticsGradient(baseline), GradedResponseEvaluation.Targets(rule),
            (s, label, repaired) => rule.Answer(s, label, repaired), settings, digits.Images, digits.Labels);
    }
}
