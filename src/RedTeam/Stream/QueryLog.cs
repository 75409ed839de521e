namespace NeuralSec.RedTeam.Stream;

/// <summary>Every query of one phase in the order each client sent it, tagged with the attack run (or benign client)
/// it belongs to, and what the attacker made of it (for evasion: whether it was the adversarial answer it wanted).</summary>
internal sealed class QueryLog
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<QueryOutcome>> _byRun = new(StringComparer.Ordinal);

    public void Add(string run, QueryOutcome outcome)
    {
        lock (_gate)
        {
            if (!_byRun.TryGetValue(run, out var list))
            {
                _byRun[run] = list = [];
            }

            list.Add(outcome);
        }
    }

    public IReadOnlyList<QueryOutcome> Of(string run)
    {
        lock (_gate)
        {
            return _byRun.TryGetValue(run, out var list) ? list.ToArray() : [];
        }
    }

    public IReadOnlyList<string> Runs
    {
        get
        {
            lock (_gate)
            {
                return _byRun.Keys.ToArray();
            }
        }
    }
}
