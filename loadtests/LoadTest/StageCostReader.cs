namespace NeuralSec.LoadTest;

/// <summary>
/// Where a sidecar's time goes: scrapes <c>neuralsec_stage_duration_seconds_sum</c> and <c>_count</c> of every target
/// with a metrics endpoint before a level's measured rounds (after its warm-up, so JIT and connection set-up stay out)
/// and after them, and turns the differences into each stage's mean per request. The sidecar times its stages
/// itself, once per request, so these are its own figures, not the client's. A stage that did not run reads 0 µs.
/// </summary>
internal sealed class StageCostReader(IReadOnlyList<Target> targets)
{
    private const string Sum = "neuralsec_stage_duration_seconds_sum{";
    private const string Count = "neuralsec_stage_duration_seconds_count{";

    private readonly Dictionary<string, (double Sum, long Count)>?[] _before = new Dictionary<string, (double, long)>?[targets.Count];

    public async Task StartAsync()
    {
        for (var i = 0; i < targets.Count; i++)
        {
            _before[i] = targets[i].Metrics is { } metrics ? await ScrapeAsync(metrics) : null;
        }
    }

    /// <summary>Per target, in their order: the stages' mean cost over the rounds since <see cref="StartAsync"/>, or
    /// null for a target without metrics (or when either scrape failed).</summary>
    public async Task<IReadOnlyList<StageCost>?[]> StopAsync()
    {
        var costs = new IReadOnlyList<StageCost>?[targets.Count];
        for (var i = 0; i < targets.Count; i++)
        {
            if (_before[i] is not { } before || targets[i].Metrics is not { } metrics || await ScrapeAsync(metrics) is not { } after)
            {
                continue;
            }

            costs[i] = [.. after.Select(stage =>
            {
                var (sum, count) = before.GetValueOrDefault(stage.Key);
                var requests = stage.Value.Count - count;
                return new StageCost(stage.Key, requests, requests > 0 ? (stage.Value.Sum - sum) / requests * 1e6 : 0);
            })];
        }

        return costs;
    }

    private static async Task<Dictionary<string, (double Sum, long Count)>?> ScrapeAsync(Uri metrics)
    {
        if (await MetricsScrape.TextAsync(metrics, "stage costs") is not { } text)
        {
            return null;
        }

        var stages = new Dictionary<string, (double Sum, long Count)>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var isSum = line.StartsWith(Sum, StringComparison.Ordinal);
            if (!isSum && !line.StartsWith(Count, StringComparison.Ordinal) || Stage(line) is not { } stage)
            {
                continue;
            }

            var value = MetricsScrape.Value(line);
            var (sum, count) = stages.GetValueOrDefault(stage);
            stages[stage] = isSum ? (value, count) : (sum, (long)value);
        }

        return stages;
    }

    private static string? Stage(string line)
    {
        const string label = "stage=\"";
        var start = line.IndexOf(label, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        start += label.Length;
        var end = line.IndexOf('"', start);
        return end > start ? line[start..end] : null;
    }
}
