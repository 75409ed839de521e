namespace NeuralSec.LoadTest;

/// <summary>
/// Reads <c>neuralsec_model_batch_size_sum</c> and <c>_count</c> (all models together) from the model servers' metrics
/// endpoints (<see cref="Target.ModelMetrics"/>) before a level's measured rounds and after them: how many executions
/// the requests took and how many rows each carried.
/// </summary>
internal sealed class ModelExecutionReader(IReadOnlyList<Target> targets)
{
    private const string Sum = "neuralsec_model_batch_size_sum{";
    private const string Count = "neuralsec_model_batch_size_count{";

    private readonly ModelExecutions?[] _before = new ModelExecutions?[targets.Count];

    public async Task StartAsync()
    {
        for (var i = 0; i < targets.Count; i++)
        {
            _before[i] = targets[i].ModelMetrics is { } metrics ? await ScrapeAsync(metrics) : null;
        }
    }

    /// <summary>Per target, in their order: the executions since <see cref="StartAsync"/>, or null for a target
    /// without a model server's metrics (or when either scrape failed).</summary>
    public async Task<ModelExecutions?[]> StopAsync()
    {
        var executions = new ModelExecutions?[targets.Count];
        for (var i = 0; i < targets.Count; i++)
        {
            if (_before[i] is { } before && targets[i].ModelMetrics is { } metrics && await ScrapeAsync(metrics) is { } after)
            {
                executions[i] = new ModelExecutions(after.Executions - before.Executions, after.Rows - before.Rows);
            }
        }

        return executions;
    }

    private static async Task<ModelExecutions?> ScrapeAsync(Uri metrics)
    {
        if (await MetricsScrape.TextAsync(metrics, "model executions") is not { } text)
        {
            return null;
        }

        double rows = 0;
        double executions = 0;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(Sum, StringComparison.Ordinal))
            {
                rows += MetricsScrape.Value(line);
            }
            else if (line.StartsWith(Count, StringComparison.Ordinal))
            {
                executions += MetricsScrape.Value(line);
            }
        }

        return new ModelExecutions((long)executions, (long)rows);
    }
}
