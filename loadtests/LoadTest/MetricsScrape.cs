using System.Globalization;

namespace NeuralSec.LoadTest;

/// <summary>One scrape of a Prometheus text endpoint for the readers that difference a series over a level's rounds
/// (<see cref="StageCostReader"/>, <see cref="ModelExecutionReader"/>): the page, or null with one stderr line when
/// it could not be read, and a sample line's value.</summary>
internal static class MetricsScrape
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static async Task<string?> TextAsync(Uri metrics, string what)
    {
        try
        {
            return await Http.GetStringAsync(metrics);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"{what}: could not read {metrics}: {ex.Message}");
            return null;
        }
    }

    /// <summary>The value of a sample line (<c>name{labels} value</c>).</summary>
    public static double Value(string line) => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
}
