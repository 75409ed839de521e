namespace NeuralSec.RedTeam.Live;

/// <summary>One attack of the catalog: a small seeded unit that runs against one side at a time and returns a result
/// per setting (ε, budget, variant).</summary>
internal abstract class LiveAttack
{
    /// <summary>The catalog name (<c>--attacks</c>).</summary>
    public abstract string Name { get; }

    public abstract string Title { get; }

    /// <summary>transfer, score-based, decision-based, physical, adaptive or extraction.</summary>
    public abstract string Kind { get; }

    /// <summary>ATLAS technique of the attack, for the report.</summary>
    public abstract string Atlas { get; }

    /// <summary>The sides it runs against (default: the baseline, the firewall and both training-time fixtures).</summary>
    public virtual IReadOnlyList<string> Sides { get; } = [TargetSide.UndefendedName, TargetSide.DefendedName, TargetSide.AdversarialName, TargetSide.DistilledName];

    public abstract Task<IReadOnlyList<LiveAttackResult>> RunAsync(LiveAttackRun run);

    /// <summary>A result for images sent once each: success is the answered label differing from the true one (or
    /// equal to the target when <paramref name="targets"/> is given).</summary>
    protected LiveAttackResult Tally(LiveAttackRun run, string setting, double? budget, IReadOnlyList<Stream.QueryOutcome> outcomes, byte[] labels, byte[]? targets, double? offlineSuccess, IReadOnlyList<float[]> sent, IReadOnlyList<float[]> originals, double seconds, string notes)
    {
        var (succeeded, right, refused) = (0, 0, 0);
        var l2 = new List<double>();
        for (var i = 0; i < outcomes.Count; i++)
        {
            var o = outcomes[i];
            if (!o.Answered)
            {
                refused++;
                continue;
            }

            var wanted = targets is null ? o.Label != labels[i] : o.Label == targets[i];
            succeeded += wanted ? 1 : 0;
            right += o.Label == labels[i] ? 1 : 0;
            if (wanted)
            {
                l2.Add(Stream.BoundaryAttack.L2(sent[i], originals[i]));
            }
        }

        return new LiveAttackResult
        {
            Attack = Name,
            Title = Title,
            Kind = Kind,
            Side = run.Side.Name,
            Setting = setting,
            Budget = budget,
            Runs = [run.RunName(setting)],
            Attempts = outcomes.Count,
            Succeeded = succeeded,
            Refused = refused,
            AnsweredRight = right,
            OfflineSuccess = offlineSuccess,
            Queries = outcomes.Count,
            MeanL2 = l2.Count == 0 ? null : l2.Average(),
            Seconds = seconds,
            Notes = notes,
        };
    }
}
