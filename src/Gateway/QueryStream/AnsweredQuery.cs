using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.Decisions;
using NeuralSec.Gateway.Pipeline;
using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.QueryStream;

/// <summary>What a <see cref="IQueryObserver"/> sees of one answered request, and the one way it may act on it.</summary>
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

    /// <summary>The model's answer, before hardening.</summary>
    public IReadOnlyList<InferenceTensor> Outputs => context.Outputs;

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
}
