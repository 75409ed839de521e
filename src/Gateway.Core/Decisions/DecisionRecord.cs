namespace NeuralSec.Gateway.Decisions;

/// <summary>
/// The per-request record of every verdict and the resulting decision: it sets the response status, feeds the
/// metrics and becomes the alert. In monitor mode the decision is computed the same way but not applied
/// (<see cref="Enforced"/> is false).
/// </summary>
internal sealed class DecisionRecord
{
    private readonly List<Verdict> _verdicts = [];

    public IReadOnlyList<Verdict> Verdicts => _verdicts;

    public DecisionOutcome Outcome { get; private set; } = DecisionOutcome.Allow;

    /// <summary>The reason code of the strongest verdict (the <c>x-neuralsec-reason</c> value when refused).</summary>
    public string? Reason { get; private set; }

    /// <summary>False in monitor mode: the decision was recorded and alerted, not applied.</summary>
    public bool Enforced { get; set; } = true;

    /// <summary>True when the output must be answered label-only.</summary>
    public bool DegradeOutput => Enforced && Outcome == DecisionOutcome.Degrade;

    /// <summary>True when the forwarded input is the purified view (<c>spec.repair</c>) a detector asked for.</summary>
    public bool Repaired { get; set; }

    /// <summary>Detector types a <c>cheapFirst</c> policy did not run, a cheaper one having blocked the request.</summary>
    public IReadOnlyList<string> SkippedDetectors { get; set; } = [];

    public void Add(Verdict verdict) => _verdicts.Add(verdict);

    /// <summary>Raises the decision to <paramref name="outcome"/> if that is more severe than the current one.</summary>
    public void Escalate(DecisionOutcome outcome, string reason)
    {
        if (outcome > Outcome)
        {
            Outcome = outcome;
            Reason = reason;
        }
    }
}
