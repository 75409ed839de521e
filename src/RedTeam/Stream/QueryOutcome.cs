using Grpc.Core;

namespace NeuralSec.RedTeam.Stream;

/// <summary>What the sidecar made of one query: the scores it answered (hardened as the policy says) or the
/// refusal's status and <c>x-neuralsec-reason</c>; always the sidecar's request id, to find the query's alert; the
/// client-side round trip of the call in milliseconds.</summary>
internal sealed record QueryOutcome(string Account, string RequestId, float[]? Scores, StatusCode Status, string? Reason, double Milliseconds = 0)
{
    public const string SuspiciousActivity = "suspicious_activity";

    public bool Answered => Scores is not null;

    /// <summary>Refused because a stream detector flagged the client (now or earlier, within the cooldown).</summary>
    public bool RefusedAsSuspicious => !Answered && Reason == SuspiciousActivity;

    /// <summary>A label-only answer (one score 1, the rest 0): what a degraded client gets with
    /// <c>degradedAnswer: labelOnly</c>, and — the served model answering logits — never an ordinary hardened answer,
    /// so an attacker who knows the policy can tell (with <c>disguised</c>, shipped, it cannot).</summary>
    public bool LooksDegraded => Scores is { } s && s.Count(v => v == 1f) == 1 && s.Count(v => v == 0f) == s.Length - 1;

    /// <summary>The arg-max class of the answer; −1 when refused.</summary>
    public int Label => Scores is null ? -1 : System.Numerics.Tensors.TensorPrimitives.IndexOfMax(Scores);

    /// <summary>The answer's score of <paramref name="label"/> minus the best other score (what a score-based attacker
    /// minimises). With topK the hidden scores equal the row's floor, so this is still defined; NaN when refused.</summary>
    public double Margin(int label)
    {
        if (Scores is null)
        {
            return double.NaN;
        }

        var best = double.NegativeInfinity;
        for (var i = 0; i < Scores.Length; i++)
        {
            if (i != label)
            {
                best = Math.Max(best, Scores[i]);
            }
        }

        return Scores[label] - best;
    }
}
