namespace NeuralSec.Policy.Validation;

/// <summary>
/// "Did you mean …?" hints: the closest allowed word by Damerau–Levenshtein distance (optimal string alignment,
/// so a swapped pair such as <c>treshold</c>/<c>threshold</c> or <c>mdoe</c>/<c>mode</c> is one or two edits).
/// </summary>
internal static class Spelling
{
    /// <summary>The closest candidate, or null when nothing is close enough to be a plausible typo.</summary>
    public static string? Suggest(string word, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            // A case slip (MaxBatch, fp32) is the likeliest typo of all.
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

    /// <summary>"did you mean 'x'?", or null.</summary>
    public static string? Hint(string word, IEnumerable<string> candidates) =>
        Suggest(word, candidates) is { } suggestion ? $"did you mean '{suggestion}'?" : null;

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
