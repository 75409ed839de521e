namespace NeuralSec.RedTeam.Stream;

/// <summary>
/// One attack run's side of the wire: its queries go round-robin over its accounts; an account refused as suspicious
/// or throttled (rate_limited) is dropped, as an attacker would stop using a burnt account; the run gives up when no
/// account is left, after <see cref="GiveUpAfter"/> refusals in a row, at its query budget or when the run's clock expires.
/// A SimBA-family attack's wrong answer is its success only when the referee (<see cref="DisguiseBaseline.Referee"/>),
/// which knows the served model, finds the query misclassified by the model itself and, for a disguised query, the same
/// transform of the clean digit not misclassified too: a transform's flip is counted in <see cref="TransformOnlyFlips"/>
/// and the attack goes on; a misinformed answer ends the run (the attacker believes it) as <see cref="Misled"/>.
/// An attacker who verifies (a <see cref="ClaimCheck"/>) first re-sends a claimed success from other accounts: the
/// same wrong label again and the claim stands; the original label and the account that answered is taken for a
/// degraded one (dropped, and observed as a refusal as suspicious) and the attack goes on.
/// </summary>
internal sealed class AttackSession
{
    public const int GiveUpAfter = 20;

    /// <summary>How many of its other accounts a verifying attacker asks about a claimed success before it believes
    /// the claim (each refusal burns the account that was asked).</summary>
    public const int VerifyTries = 3;

    private readonly InferenceOracle _oracle;
    private readonly QueryLog _log;
    private readonly RunClock _clock;
    private readonly List<string> _live;
    private int _refusedInARow;
    private int _next;

    private readonly Func<float[], QueryTransformDraw?, SuccessClaim>? _referee;
    private readonly bool _dropDegraded;
    private readonly ClaimCheck? _check;
    private readonly List<string> _verifiers;
    private string? _lastAccount;

    /// <param name="referee">What a wrong answer to a query (sent, and its disguise if any) was; null: every wrong
    /// answer is a success.</param>
    /// <param name="dropDegraded">The attacker knows label-only degraded answers when it sees them: it takes such an
    /// answer as a refusal as suspicious — the account is burnt, the answer not trusted.</param>
    /// <param name="check">The attacker knows degraded answers may lie: how it checks each claimed success before it
    /// believes it (<see cref="ClaimAsync"/>); null: it believes every one.</param>
    public AttackSession(InferenceOracle oracle, QueryLog log, RunClock clock, string run, IReadOnlyList<string> accounts, int budget, Func<float[], QueryTransformDraw?, SuccessClaim>? referee = null, bool dropDegraded = false, ClaimCheck? check = null)
    {
        var heldBack = check?.HeldBack ?? 0;
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(heldBack, accounts.Count);
        _verifiers = [.. accounts.Skip(accounts.Count - heldBack)];
        accounts = [.. accounts.Take(accounts.Count - heldBack)];
        _referee = referee;
        _dropDegraded = dropDegraded;
        _check = check;
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

        return await SendAsync(_live[_next++ % _live.Count], image).ConfigureAwait(false);
    }

    private async Task<QueryOutcome> SendAsync(string account, float[] image)
    {
        _lastAccount = account;
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
                _verifiers.Remove(account);
            }
        }

        return outcome;
    }

    /// <summary>Wrong answers to disguised queries that the transform alone explains (not counted as evasion).</summary>
    public int TransformOnlyFlips { get; private set; }

    /// <summary>The run ended on a wrong label the model did not give: the defense's misinformation, believed.</summary>
    public bool Misled { get; private set; }

    public void Succeeded() => SucceededAt ??= Sent;

    /// <summary>Claims a success the verifying attacker found a lie (the account that answered it was dropped).</summary>
    public int Contradicted { get; private set; }

    /// <summary>A wrong answer to <paramref name="sent"/> (disguised by <paramref name="draw"/>, if any; the run's
    /// original label <paramref name="label"/>): verified first if the attacker verifies — each verification answer
    /// goes to <paramref name="observe"/> as the attack's own answers do — then judged by the referee. True when the
    /// attack stops: it succeeded, or it was misled into believing so.</summary>
    public async Task<bool> ClaimAsync(float[] sent, QueryTransformDraw? draw, int label, Action<QueryOutcome>? observe = null)
    {
        if (_check is { } check && _lastAccount is { } answerer)
        {
            for (var attempt = 0; attempt < VerifyTries && !Stopped; attempt++)
            {
                var others = _live.Where(a => a != answerer).ToArray();
                var asked = _verifiers.Count > 0 ? _verifiers[attempt % _verifiers.Count] : others.Length > 0 ? others[_next++ % others.Length] : null;
                if (asked is null)
                {
                    break;
                }

                var answer = await SendAsync(asked, check.Probe(sent, Sent)).ConfigureAwait(false);
                observe?.Invoke(answer);
                if (!answer.Answered)
                {
                    continue;
                }

                if (answer.Label == label)
                {
                    // The other account gives the original label: the answerer lied, so it is degraded — burnt.
                    Contradicted++;
                    _live.Remove(answerer);
                    observe?.Invoke(answer with { Account = answerer, Scores = null, Reason = QueryOutcome.SuspiciousActivity });
                    return Stopped;
                }

                break;
            }
        }

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
