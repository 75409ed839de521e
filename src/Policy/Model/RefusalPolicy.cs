namespace NeuralSec.Policy.Model;

/// <summary>
/// <c>spec.refusals</c>: what a refused caller is told. By default only the status, the request id and a coarse
/// reason code: which detector fired, its score and its threshold are exactly the feedback an adaptive attacker
/// needs, so they go to alerts, logs and metrics only.
/// </summary>
public sealed record RefusalPolicy
{
    /// <summary><c>explain</c>: also tell the caller which detector refused it, with its score and threshold. An
    /// oracle for attackers; for debugging a policy against a trusted client only.</summary>
    public bool Explain { get; init; }
}
