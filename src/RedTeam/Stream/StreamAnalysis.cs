namespace NeuralSec.RedTeam.Stream;

/// <summary>Joins a run's queries with the alerts its requests produced: the first flag and its detector, the first
/// refusal, refusals by reason, how many of its accounts were flagged.</summary>
internal static class StreamAnalysis
{
    /// <param name="session">The attack's session, for how it ended (gave up, succeeded, misled, verified); null for a benign client.</param>
    public static RunResult Analyze(string run, IReadOnlyList<QueryOutcome> outcomes, AlertLog alerts, AttackSession? session = null, double? finalL2 = null)
    {
        int? firstFlag = null;
        string? detector = null;
        int? firstRefusal = null;
        string? firstReason = null;
        var refusals = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var flaggedAccounts = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < outcomes.Count; i++)
        {
            var o = outcomes[i];
            var streamFlags = alerts.StreamFlags(o.RequestId);
            if (streamFlags.Count > 0 || o.RefusedAsSuspicious)
            {
                flaggedAccounts.Add(o.Account);
                if (firstFlag is null)
                {
                    firstFlag = i + 1;
                    detector = streamFlags.Count > 0 ? string.Join("+", streamFlags) : "(refused as suspicious, no alert found)";
                }
            }

            if (!o.Answered)
            {
                var reason = o.Reason ?? "unknown";
                refusals[reason] = refusals.GetValueOrDefault(reason) + 1;
                if (firstRefusal is null)
                {
                    (firstRefusal, firstReason) = (i + 1, reason);
                }
            }
        }

        return new RunResult(run, outcomes.Count, outcomes.Count(o => o.Answered), firstFlag, detector, firstRefusal, firstReason, refusals, flaggedAccounts.Count, session?.GaveUp ?? false, session?.SucceededAt, finalL2, session?.TransformOnlyFlips ?? 0, session?.Misled ?? false, session?.Contradicted ?? 0);
    }
}
