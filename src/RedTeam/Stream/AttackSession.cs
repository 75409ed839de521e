namespace NeuralSec.RedTeam.Stream;

/// <summary>
/// One attack run's side of the wire: its queries go round-robin over its accounts; an account refused as suspicious
/// or throttled (rate_limited) is dropped, as an attacker would stop using a burnt account; the run gives up when no
/// account is left, after <see cref="GiveUpAfter"/> refusals in a row, at its query budget or when the run's clock expires.
/// A disguised attack's wrong answer is its success only when the referee (<see cref="DisguiseBaseline.Referee"/>), which
/// knows the served model, finds that the same transform of the clean digit is not answered wrongly too; otherwise it is
/// counted in <see cref="TransformOnlyFlips"/> and the attack goes on.
/// </summary>
internal sealed class AttackSession
{
    public const int GiveUpAfter = 20;

    private readonly InferenceOracle _oracle;
    private readonly QueryLog _log;
    private readonly RunClock _clock;
    private readonly List<string> _live;
    private int _refusedInARow;
    private int _next;

    private readonly Func<QueryTransformDraw, bool>? _flipsAlone;

    /// <param name="flipsAlone">Whether a transform, applied to the clean digit, already changes the served answer;
    /// null for an attack without a disguise.</param>
    public AttackSession(InferenceOracle oracle, QueryLog log, RunClock clock, string run, IReadOnlyList<string> accounts, int budget, Func<QueryTransformDraw, bool>? flipsAlone = null)
    {
        _flipsAlone = flipsAlone;
        _oracle = oracle;
        _log = log;
        _clock = clock;
        Run = run;
        Budget = budget;
        _live = [.. accounts];
    }

    public string Run { get; }

    public int Budget { get; }

    public int Sent { get; private set; }

    /// <summary>1-based index of the query on which the attacker got what it wanted (evasion), if it did.</summary>
    public int? SucceededAt { get; private set; }

    public bool GaveUp => _live.Count == 0 || _refusedInARow >= GiveUpAfter;

    public bool Stopped => GaveUp || Sent >= Budget || _clock.Expired;

    public bool TimedOut => _clock.Expired;

    public async Task<QueryOutcome?> QueryAsync(float[] image)
    {
        if (Stopped)
        {
            return null;
        }

        var account = _live[_next++ % _live.Count];
        var outcome = await _oracle.QueryAsync(account, image, _clock.Token).ConfigureAwait(false);
        Sent++;
        _log.Add(Run, outcome);
        if (outcome.Answered)
        {
            _refusedInARow = 0;
        }
        else
        {
            _refusedInARow++;
            if (outcome.RefusedAsSuspicious || outcome.Reason == "rate_limited")
            {
                _live.Remove(account);
            }
        }

        return outcome;
    }

    /// <summary>Wrong answers to disguised queries that the transform alone explains (not counted as evasion).</summary>
    public int TransformOnlyFlips { get; private set; }

    public void Succeeded() => SucceededAt ??= Sent;

    /// <summary>A wrong answer to a query disguised by <paramref name="draw"/>: the attack's success unless the transform
    /// alone explains it. True when the attack succeeded.</summary>
    public bool Succeeded(QueryTransformDraw draw)
    {
        if (_flipsAlone?.Invoke(draw) == true)
        {
            TransformOnlyFlips++;
            return false;
        }

        Succeeded();
        return true;
    }
}
