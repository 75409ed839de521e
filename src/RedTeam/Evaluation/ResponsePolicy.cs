namespace NeuralSec.RedTeam.Evaluation;

/// <summary>
/// A candidate answer rule over the default combination's members (feature squeezing, reconstruction error p=2,
/// statistics — in that order), as a policy's <c>detect</c> entries with <c>grades</c> express it: a request is refused
/// when any member's score is beyond its refuse threshold; otherwise it is repaired (answered from the bit-depth-1 view)
/// when any member is beyond its repair threshold; otherwise answered as sent.
/// </summary>
/// <param name="Repair">Per-member repair thresholds; null: the policy never repairs.</param>
/// <param name="Refuse">Per-member refuse thresholds; +∞ for a member that never refuses.</param>
internal sealed record ResponsePolicy(string Name, string Rule, double[]? Repair, double[] Refuse)
{
    /// <summary>The label the defended system answers with, or null when it refuses.</summary>
    public int? Answer(ReadOnlySpan<double> scores, int label, int repairedLabel)
    {
        for (var m = 0; m < Refuse.Length; m++)
        {
            if (scores[m] > Refuse[m])
            {
                return null;
            }
        }

        if (Repair is { } repair)
        {
            for (var m = 0; m < repair.Length; m++)
            {
                if (scores[m] > repair[m])
                {
                    return repairedLabel;
                }
            }
        }

        return label;
    }

    /// <summary>Whether the request is repaired (flagged, not refused).</summary>
    public bool Repairs(ReadOnlySpan<double> scores) => Answer(scores, 0, 1) == 1;
}
