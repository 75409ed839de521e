namespace NeuralSec.Gateway.Policy.Runtime;

internal enum PolicyReloadOutcome
{
    /// <summary>The files hash the same as at the last attempt: nothing to do (a touch, an unrelated event).</summary>
    Unchanged,

    /// <summary>Valid: the new snapshot is live.</summary>
    Succeeded,

    /// <summary>Invalid or unreadable: refused, the last good snapshot keeps serving.</summary>
    Failed,
}
