namespace NeuralSec.Text;

/// <summary>"Did you mean" for a mistyped command, option, value, policy key or configuration key: the candidates within
/// a few edits (Damerau–Levenshtein, optimal string alignment, so a swapped pair such as <c>treshold</c>/<c>threshold</c>
/// is one edit).</summary>
public static class Suggestions
{
    /// <summary>The one closest candidate, or null when nothing is close enough to be a plausible typo. A case slip
    /// (<c>MaxBatch</c>, <c>fp32</c>) is the likeliest typo of all and wins outright.</summary>
    public static string? Closest(string word, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(word);
        ArgumentNullException.ThrowIfNull(candidates);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = string.Equals(word, candidate, StringComparison.OrdinalIgnoreCase)
                ? 0
                : Distance(word.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        // Up to a third of the word may be wrong (at least 1, at most 3 edits): enough for typos, not for guesses.
        var allowed = Math.Clamp(Math.Max(word.Length, best?.Length ?? 0) / 3, 1, 3);
        return best is not null && bestDistance <= allowed && best != word ? best : null;
    }

    /// <summary>"did you mean 'x'?" for <see cref="Closest"/>, or null.</summary>
    public static string? ClosestHint(string word, IEnumerable<string> candidates) =>
        Closest(word, candidates) is { } suggestion ? $"did you mean '{suggestion}'?" : null;

    /// <summary>
    /// The candidates closest to <paramref name="token"/>: edit distance (a swap of two neighbours counts as one
    /// edit) of at most a third of its length (1 to 3), or, failing that, the candidates it is the start of. Empty when
    /// nothing is close enough to be a typo.
    /// </summary>
    public static IReadOnlyList<string> For(string token, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(candidates);
        var distinct = candidates.Where(c => c.Length > 0 && c != token).Distinct(StringComparer.Ordinal).ToArray();
        var bare = token.TrimStart('-', '/');
        var limit = Math.Clamp(bare.Length / 3, 1, 3);
        var scored = distinct
            .Select(c => (Candidate: c, Distance: Distance(token, c)))
            .Where(s => s.Distance <= limit)
            .ToArray();
        if (scored.Length > 0)
        {
            var best = scored.Min(s => s.Distance);
            return scored.Where(s => s.Distance == best).Select(s => s.Candidate).Take(3).ToArray();
        }

        // "--model-repo" for "--model-repository": too many edits, but plainly the start of one name.
        return bare.Length >= 3
            ? distinct.Where(c => c.StartsWith(token, StringComparison.OrdinalIgnoreCase)).Take(3).ToArray()
            : [];
    }

    /// <summary>"; did you mean 'x'?" (or "'x' or 'y'"), or an empty string when there is nothing to suggest.</summary>
    public static string Hint(string token, IEnumerable<string> candidates)
    {
        var found = For(token, candidates);
        return found.Count == 0 ? string.Empty : $"; did you mean {string.Join(" or ", found.Select(s => $"'{s}'"))}?";
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
