namespace NeuralSec.RedTeam.Stream;

/// <summary>
/// One attack run's side of the wire: its queries go round-robin over its accounts; an account refused as suspicious
/// or throttled (rate_limited) is dropped, as an attacker would stop using a burnt account; the run gives up when no
/// account is left, after <see cref="GiveUpAfter"/> refusals in a row, at its query budget or when the run's clock expires.
/// A SimBA-family attack's wrong answer is its success only when the referee (<see cref="DisguiseBaseline.Referee"/>),
/// which knows the served model, finds the query misclassified by the model itself and, for a disguised query, the same
/// transform of the clean digit not misclassified too: a transform's flip is counted in <see cref="TransformOnlyFlips"/>
/// and the attack goes on; a misinformed answer ends the run (the attacker believes it) as <see cref="Misled"/>.
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

    private readonly Func<float[], QueryTransformDraw?, SuccessClaim>? _referee;
    private readonly bool _dropDegraded;

    /// <param name="referee">What a wrong answer to a query (sent, and its disguise if any) was; null: every wrong
    /// answer is a success.</param>
    /// <param name="dropDegraded">The attacker knows degraded answers (label-only) when it sees them: it takes such an
    /// answer as a refusal as suspicious — the account is burnt, the answer not trusted.</param>
    public AttackSession(InferenceOracle oracle, QueryLog log, RunClock clock, string run, IReadOnlyList<string> accounts, int budget, Func<float[], QueryTransformDraw?, SuccessClaim>? referee = null, bool dropDegraded = false)
    {
        _referee = referee;
        _dropDegraded = dropDegraded;
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

    public bool Stopped => GaveUp || Misled || Sent >= Budget || _clock.Expired;

    public bool TimedOut => _clock.Expired;

    public async Task<QueryOutcome?> QueryAsync(float[] image)
    {
        if (Stopped)
        {
            return null;
        }

        var account = _live[_next++ % _live.Count];
        var answer = await _oracle.QueryAsync(account, image, _clock.Token).ConfigureAwait(false);
        Sent++;
        _log.Add(Run, answer);
        // What the attacker makes of it: a degraded answer, to one who can tell, is a refusal of a burnt account.
        var outcome = _dropDegraded && answer.LooksDegraded ? answer with { Scores = null, Reason = QueryOutcome.SuspiciousActivity } : answer;
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

    /// <summary>The run ended on a wrong label the model did not give: the defense's misinformation, believed.</summary>
    public bool Misled { get; private set; }

    public void Succeeded() => SucceededAt ??= Sent;

    /// <summary>A wrong answer to <paramref name="sent"/> (disguised by <paramref name="draw"/>, if any), judged by the
    /// referee. True when the attack stops: it succeeded, or it was misled into believing so.</summary>
    public bool Claim(float[] sent, QueryTransformDraw? draw)
    {
        switch (_referee?.Invoke(sent, draw) ?? SuccessClaim.Adversarial)
        {
            case SuccessClaim.TransformAlone:
                TransformOnlyFlips++;
                return false;
            case SuccessClaim.Misinformed:
                Misled = true;
                return true;
            default:
                Succeeded();
                return true;
        }
    }
}
