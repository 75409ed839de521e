namespace NeuralSec.Gateway.Decisions;

/// <summary>The request's overall decision, in increasing order of severity.</summary>
internal enum DecisionOutcome
{
    Allow,

    /// <summary>Answered, and the SOC is told.</summary>
    Alert,

    /// <summary>Answered from the purified view (<c>spec.repair</c>), and the SOC is told.</summary>
    Repair,

    /// <summary>Answered label-only.</summary>
    Degrade,

    /// <summary>Refused with RESOURCE_EXHAUSTED.</summary>
    Throttle,

    /// <summary>Refused with PERMISSION_DENIED or UNAUTHENTICATED.</summary>
    Block,
}
