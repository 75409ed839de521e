using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.ClientState;
using NeuralSec.Gateway.Decisions;
using NeuralSec.Gateway.Pipeline;
using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.QueryStream;

/// <summary>What a <see cref="IQueryObserver"/> sees of one answered request — or of one the input detectors refused
/// (<see cref="RefusedByInputChecks"/>: no outputs) — and the one way it may act on it.</summary>
internal sealed class AnsweredQuery(InferenceContext context, DateTimeOffset time)
{
    public string RequestId => context.RequestId;

    /// <summary>The accepted client id (the key of per-client state).</summary>
    public string ClientId => context.ClientId;

    /// <summary>The caller's network address, when known.</summary>
    public string? RemoteAddress => context.RemoteAddress;

    public string ModelName => context.ModelName;

    public FirewallPolicy Policy => context.Policy!;

    /// <summary>When the query was answered (the host's <see cref="TimeProvider"/>).</summary>
    public DateTimeOffset Time { get; } = time;

    /// <summary>The tensors as the caller sent them.</summary>
    public IReadOnlyList<InferenceTensor> Inputs => context.OriginalInputs;

    /// <summary>The model's answer, before hardening; empty when <see cref="RefusedByInputChecks"/>.</summary>
    public IReadOnlyList<InferenceTensor> Outputs => context.Outputs;

    /// <summary>Refused by the input detectors (<see cref="ReasonCodes.SuspiciousInput"/>): never answered, but the
    /// client's stream includes it.</summary>
    public bool RefusedByInputChecks => context.Rejection?.ReasonCode == ReasonCodes.SuspiciousInput;

    /// <summary>Whether an input detector judged the request (ran without error), and whether one flagged it —
    /// whatever its action and the policy's mode.</summary>
    public (bool Judged, bool Flagged) InputVerdict
    {
        get
        {
            var (judged, flagged) = (false, false);
            foreach (var verdict in context.Decision.Verdicts)
            {
                if (verdict.Stage == PipelineStageId.Detect && verdict.Error is null)
                {
                    judged = true;
                    flagged |= verdict.Flagged;
                }
            }

            return (judged, flagged);
        }
    }

    internal StageOutcome Outcome { get; private set; }

    /// <summary>Records a verdict. Flagged, its action applies under the policy's mode: degrade shapes this answer,
    /// throttle and block refuse it (with <paramref name="reasonCode"/>, a coarse code the caller may read).</summary>
    public void Report(Verdict verdict, string reasonCode, string callerMessage, TimeSpan? retryAfter = null)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        var outcome = Enforcement.Apply(context, verdict with { Stage = PipelineStageId.Observe }, reasonCode, callerMessage, retryAfter);
        if (outcome.IsRejected && !Outcome.IsRejected)
        {
            Outcome = outcome;
        }
    }

    /// <summary>The shared state store could not answer: the policy's onError decides (see
    /// <see cref="Enforcement.StateUnavailable"/>).</summary>
    public void ReportStateUnavailable(string defense, Exception exception)
    {
        var outcome = Enforcement.StateUnavailable(context, PipelineStageId.Observe, defense, exception);
        if (outcome.IsRejected && !Outcome.IsRejected)
        {
            Outcome = outcome;
        }
    }

    /// <summary>Whether the policy's decisions are applied (enforce mode) rather than only reported.</summary>
    public bool Enforced => context.Decision.Enforced;

    /// <summary>The client was degraded (a stream sanction) when the request was admitted: its answers are shaped.</summary>
    public bool FromDegradedClient => (context.Sanctions & ClientSanctions.Degraded) != 0;
}
