using NeuralSec.RedTeam.Stream;

namespace NeuralSec.RedTeam.Live;

/// <summary>
/// One attack against one <see cref="TargetSide"/>: the oracle that sends its queries (the side's model, its keys), the
/// log every query lands in, and the side's accounts — fresh ones on a sidecar <c>attack</c> started (one per attack
/// setting or per attacked image: a new client each), the caller's keys round-robin on a running target.
/// </summary>
internal sealed class LiveAttackRun
{
    private readonly Func<int, IReadOnlyList<string>> _accounts;

    public LiveAttackRun(LiveContext context, string attack, TargetSide side, InferenceOracle oracle, QueryLog log, Func<int, IReadOnlyList<string>> accounts)
    {
        Context = context;
        Attack = attack;
        Side = side;
        Oracle = oracle;
        Log = log;
        _accounts = accounts;
    }

    public LiveContext Context { get; }

    public string Attack { get; }

    public TargetSide Side { get; }

    public InferenceOracle Oracle { get; }

    public QueryLog Log { get; }

    /// <summary>The model the attacker's offline copy stands for: the side's model.</summary>
    public string Model => Side.Model;

    public IReadOnlyList<string> Accounts(int count) => _accounts(count);

    public string RunName(string setting) => $"{Side.Name}/{Attack}/{setting}";

    public AttackSession Session(string run, IReadOnlyList<string> accounts, int budget) => new(Oracle, Log, Context.Clock, run, accounts, budget);

    /// <summary>Sends every image once, round-robin over <paramref name="accounts"/>, whatever the answers (a
    /// transfer attacker does not adapt); stops early only at the run's time bound.</summary>
    public async Task<IReadOnlyList<QueryOutcome>> SendAllAsync(string run, IReadOnlyList<string> accounts, IReadOnlyList<float[]> images)
    {
        var outcomes = new List<QueryOutcome>(images.Count);
        for (var i = 0; i < images.Count && !Context.Clock.Expired; i++)
        {
            var outcome = await Oracle.QueryAsync(accounts[i % accounts.Count], images[i], Context.Clock.Token).ConfigureAwait(false);
            Log.Add(run, outcome);
            outcomes.Add(outcome);
        }

        return outcomes;
    }
}
