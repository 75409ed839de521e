namespace NeuralSec.Gateway.QueryStream;

/// <summary>Whether a stream verdict is the copy rule's (another client's copy of what a degraded client sent, answered
/// degraded with no sanction) and, if so, what kind of copy: the metric <c>neuralsec_degraded_copies_total</c>'s label.</summary>
internal enum DegradedCopy
{
    /// <summary>A detector's own verdict: it acts as its policy entry says.</summary>
    None,

    /// <summary>A byte-for-byte repeat of a degraded send.</summary>
    Exact,

    /// <summary>A near copy: at least the threshold's hashes shared with a degraded send.</summary>
    Near,
}
