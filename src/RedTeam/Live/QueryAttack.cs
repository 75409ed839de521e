using System.Diagnostics;
using NeuralSec.RedTeam.Stream;

namespace NeuralSec.RedTeam.Live;

/// <summary>
/// Query-based evasion against the sidecar itself, within a query budget per image, each image a fresh client: SimBA
/// and Square (score-based: they read whatever the hardened scores reveal), the Boundary attack and HopSkipJump
/// (decision-based: labels only). The stream defenses see every query; success is the API answering a wrong label
/// (decision-based: within L2 <see cref="BoundaryAttack.SuccessL2"/>).
/// </summary>
internal sealed class QueryAttack : LiveAttack
{
    private readonly string _name;

    public QueryAttack(string name)
    {
        _name = name;
    }

    public override string Name => _name;

    public override string Title => _name switch
    {
        "simba" => "SimBA (pixel basis, ε 0.2, score-based)",
        "square" => "Square Attack (L∞ ε 0.3, score-based)",
        "hopskipjump" => "HopSkipJump (labels only, decision-based, untargeted L2)",
        _ => "Boundary attack (labels only, decision-based)",
    };

    private bool DecisionBased => _name is "boundary" or "hopskipjump";

    public override string Kind => DecisionBased ? "decision-based" : "score-based";

    public override string Atlas => "AML.T0043.001";

    public override async Task<IReadOnlyList<LiveAttackResult>> RunAsync(LiveAttackRun run)
    {
        var context = run.Context;
        var watch = Stopwatch.StartNew();
        var budget = DecisionBased ? 2 * context.Settings.QueryBudget : context.Settings.QueryBudget;
        var setting = $"≤ {budget:N0} queries per image";
        var digits = context.Digits(run.Model, 0, 3 * context.Settings.QueryImages);
        var count = Math.Min(context.Settings.QueryImages, digits.Count);
        var sessions = new List<AttackSession>();
        var runs = new List<string>();
        var l2 = new List<double>();
        for (var i = 0; i < count && !context.Clock.Expired; i++)
        {
            var name = $"{run.RunName(setting)}#{i}";
            var session = run.Session(name, run.Accounts(1), budget);
            var random = new Random((context.Seed * 31) + i);
            var original = digits.Image(i).ToArray();
            switch (_name)
            {
                case "simba":
                    await SimbaAttack.RunAsync(session, original, random).ConfigureAwait(false);
                    break;
                case "square":
                    await SquareAttack.RunAsync(session, original, random).ConfigureAwait(false);
                    break;
                default:
                    var starts = context.Data.Test.Slice(0, 1_000);
                    var d = _name == "hopskipjump"
                        ? await HopSkipJumpAttack.RunAsync(session, original, starts, random).ConfigureAwait(false)
                        : await BoundaryAttack.RunAsync(session, original, starts, random).ConfigureAwait(false);
                    if (session.SucceededAt is not null)
                    {
                        l2.Add(d);
                    }

                    break;
            }

            sessions.Add(session);
            runs.Add(name);
        }

        var succeeded = sessions.Where(s => s.SucceededAt is not null).ToArray();
        var result = new LiveAttackResult
        {
            Attack = Name,
            Title = Title,
            Kind = Kind,
            Side = run.Side.Name,
            Setting = setting,
            Runs = runs,
            Attempts = sessions.Count,
            Succeeded = succeeded.Length,
            Refused = sessions.Count(s => s.GaveUp),
            AnsweredRight = sessions.Count - succeeded.Length,
            Queries = sessions.Sum(s => s.Sent),
            MedianQueriesToSuccess = succeeded.Length == 0 ? null : Median(succeeded.Select(s => (double)s.SucceededAt!.Value)),
            MeanL2 = l2.Count == 0 ? null : l2.Average(),
            Seconds = watch.Elapsed.TotalSeconds,
            Notes = "each image a fresh client; 'refused' counts runs that gave up (every account refused, or 20 refusals in a row)",
        };
        context.Progress.Step($"{Title} → {run.Side.Name}: {result.Succeeded}/{result.Attempts} evaded, {result.Queries:N0} queries, {result.Refused} gave up");
        return [result];
    }

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
