namespace NeuralSec.Policy.Model;

/// <summary><c>spec.output.degradedAnswer</c>: what an answer to a degraded client (a stream detector's or
/// <c>linkedClients</c>' degrade) looks like.</summary>
public enum DegradedAnswer
{
    /// <summary><c>labelOnly</c>: a one-hot row of the answered class. Denies the scores, and tells the client it was
    /// degraded whenever ordinary answers are not label-only.</summary>
    LabelOnly,

    /// <summary><c>disguised</c>: the ordinary answer's shape (topK, decimals, labelOnly as for every client), the
    /// model's own scores, except that where the model is unsure (<c>misinformBelow</c>) the top class and the least
    /// likely class trade scores. The client cannot tell from an answer that it was degraded; the price is that its
    /// confident answers keep whatever scores the ordinary hardening leaves.</summary>
    Disguised,
}
