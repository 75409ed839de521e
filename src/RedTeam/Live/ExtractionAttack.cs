using System.Diagnostics;
using NeuralSec.RedTeam.Models;
using NeuralSec.RedTeam.Stream;

namespace NeuralSec.RedTeam.Live;

/// <summary>
/// Model extraction through the API, one client each: Papernot et al.'s JBDA (labels of synthetic points, the set
/// doubling each round) and Knockoff-random (natural train digits, the scores as answered). A surrogate is trained on
/// what was answered; its fidelity is its agreement with the served model on 1,000 held-out test digits, and the
/// alerts say when the sidecar noticed.
/// </summary>
internal sealed class ExtractionAttack : LiveAttack
{
    private readonly string _name;

    public ExtractionAttack(string name)
    {
        _name = name;
    }

    public override string Name => _name;

    public override string Title => _name == "jbda" ? "Papernot JBDA (synthetic queries, labels)" : "Knockoff-random (natural digits, answered scores)";

    public override string Kind => "extraction";

    public override string Atlas => "AML.T0024.002";

    public override IReadOnlyList<string> Sides { get; } = [TargetSide.UndefendedName, TargetSide.DefendedName];

    public override async Task<IReadOnlyList<LiveAttackResult>> RunAsync(LiveAttackRun run)
    {
        var context = run.Context;
        var quick = context.Settings.Quick;
        var watch = Stopwatch.StartNew();
        var agreementDigits = context.Data.Test.Slice(LiveContext.FirstDigit, Math.Min(1_000, context.Data.Test.Count - LiveContext.FirstDigit));
        var served = Classify.Predict(context.Models.Get(run.Model).Network, agreementDigits.Images);
        Lab.Nn.Network surrogate;
        int answered, budget;
        string setting;
        AttackSession session;
        if (_name == "jbda")
        {
            var (seeds, rounds) = quick ? (50, 3) : (150, 5);
            budget = seeds << rounds;
            setting = $"{seeds} seeds, {rounds} rounds, λ {JacobianAugmentationAttack.Lambda}";
            session = run.Session(run.RunName(setting), run.Accounts(1), budget);
            var (net, answers) = await JacobianAugmentationAttack.RunAsync(session, context.Data.Test.Slice(0, seeds), rounds, context.Seed).ConfigureAwait(false);
            (surrogate, answered) = (net, answers.Count);
        }
        else
        {
            budget = quick ? 500 : 3_000;
            setting = $"{budget:N0} train digits";
            session = run.Session(run.RunName(setting), run.Accounts(1), budget);
            var random = new Random(context.Seed);
            var picks = Enumerable.Range(0, context.Data.Train.Count).OrderBy(_ => random.Next()).Take(budget).Select(i => context.Data.Train.Image(i).ToArray());
            var answers = await TransferSetAttack.RunAsync(session, picks).ConfigureAwait(false);
            surrogate = Surrogate.Train(answers, softTargets: !run.Side.Firewall, context.Seed);
            answered = answers.Count;
        }

        var agreement = answered == 0 ? double.NaN : Surrogate.Agreement(surrogate, agreementDigits, served);
        var result = new LiveAttackResult
        {
            Attack = Name,
            Title = Title,
            Kind = Kind,
            Side = run.Side.Name,
            Setting = setting,
            Runs = [run.RunName(setting)],
            Attempts = 1,
            Succeeded = agreement >= 0.9 ? 1 : 0,
            Refused = session.Sent - answered,
            AnsweredRight = answered,
            Queries = session.Sent,
            Agreement = agreement,
            Seconds = watch.Elapsed.TotalSeconds,
            Notes = $"{answered:N0} of {session.Sent:N0} queries answered; success = a surrogate agreeing ≥ 90% with the served model; {(run.Side.Firewall ? "trained on the labels the hardened output leaves" : "trained on the softmax of the full scores")}",
        };
        context.Progress.Step($"{Title} → {run.Side.Name}: {session.Sent:N0} queries, {answered:N0} answered, surrogate agreement {agreement:P1}");
        return [result];
    }
}
