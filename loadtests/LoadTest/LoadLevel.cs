using System.Globalization;

namespace NeuralSec.LoadTest;

/// <summary>One closed-loop load level: <paramref name="Concurrency"/> workers (one request in flight each) and
/// <paramref name="Requests"/> measured requests per target, over all rounds.</summary>
internal readonly record struct LoadLevel(int Concurrency, int Requests)
{
    /// <summary>The most levels one run takes: each one measures every path again.</summary>
    public const int MaxLevels = 8;

    /// <summary>"c=8": the level's name in tables, JSON and charts.</summary>
    public string Label => string.Create(CultureInfo.InvariantCulture, $"c={Concurrency}");

    /// <summary>Parses <c>1:5000,8:20000</c> (concurrency:requests pairs, distinct concurrencies, in the order given);
    /// false with the reason otherwise.</summary>
    public static bool TryParseList(string text, int maxConcurrency, int maxRequests, out IReadOnlyList<LoadLevel> levels, out string? error)
    {
        levels = [];
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length > MaxLevels)
        {
            error = $"at most {MaxLevels} levels, got {parts.Length}";
            return false;
        }

        var parsed = new List<LoadLevel>(parts.Length);
        foreach (var part in parts)
        {
            var pair = part.Split(':', StringSplitOptions.TrimEntries);
            if (pair.Length != 2
                || !int.TryParse(pair[0], NumberStyles.None, CultureInfo.InvariantCulture, out var concurrency)
                || !int.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out var requests))
            {
                error = $"'{part}' is not CONCURRENCY:REQUESTS (e.g. 1:5000,8:20000)";
                return false;
            }

            if (concurrency < 1 || concurrency > maxConcurrency)
            {
                error = $"concurrency {concurrency} in '{part}' is not in [1, {maxConcurrency}]";
                return false;
            }

            if (requests < 1 || requests > maxRequests)
            {
                error = $"requests {requests} in '{part}' is not in [1, {maxRequests}]";
                return false;
            }

            if (parsed.Any(l => l.Concurrency == concurrency))
            {
                error = $"concurrency {concurrency} is given twice";
                return false;
            }

            parsed.Add(new LoadLevel(concurrency, requests));
        }

        levels = parsed;
        error = null;
        return true;
    }
}
