using NeuralSec.RedTeam.Attacks;

namespace NeuralSec.RedTeam.Evaluation;

/// <summary>Section 5: candidate answer rules against benign digits, the non-adaptive grid and the fully adaptive attacker.</summary>
internal sealed class GradedResponseResults
{
    public required IReadOnlyList<ResponsePolicy> Policies { get; init; }

    /// <summary>The combination members the rules' thresholds are for, in order.</summary>
    public required IReadOnlyList<string> Members { get; init; }

    /// <summary>Index of the policy the table chose for <c>policies/mnist.yaml</c>.</summary>
    public required int Chosen { get; init; }

    /// <summary>Per policy, on the evaluation half.</summary>
    public required IReadOnlyList<BenignOutcome> Benign { get; init; }

    /// <summary>Per attack of the non-adaptive grid: successful examples, and per policy the share refused or answered right.</summary>
    public required IReadOnlyList<(string Attack, int Successful, double[] Stopped)> NonAdaptive { get; init; }

    public required IReadOnlyList<AdaptiveOutcome> Adaptive { get; init; }

    public required int AdaptiveCandidates { get; init; }

    public required int Steps { get; init; }

    public required float Penalty { get; init; }
}

/// <summary>What one policy does to the benign evaluation half.</summary>
internal sealed record BenignOutcome(int Count, int Refused, int Repaired, int RepairedRight, int Unflagged, int UnflaggedRight);

/// <summary>One attack configuration run against one target policy (the attacker knows it and stops when it answers wrongly).</summary>
/// <param name="Success">Per policy: share of attacked digits the policy answers with a wrong label.</param>
/// <param name="Evades">Per member: share of attacked digits under its repair threshold (not flagged by it).</param>
internal sealed record AdaptiveOutcome(JointAttackSettings Settings, int Target, int Attacked, double MisclassifiedAsSent, double[] Success, double[] Evades, double RefusedByTarget, double RepairedByTarget);
