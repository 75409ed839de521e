using HdrHistogram;

namespace NeuralSec.LoadTest;

/// <summary>The figures read off a <see cref="PhaseResult"/>, the same for the tables, the goals, the JSON and the chart.</summary>
internal static class Figures
{
    /// <summary>The percentiles every table and file reports.</summary>
    public static readonly IReadOnlyList<double> Percentiles = [50, 90, 99, 99.9];

    /// <summary>Successful calls per second of the time the path's phases ran.</summary>
    public static double Throughput(PhaseResult result) =>
        result.Elapsed > TimeSpan.Zero ? result.Successes / result.Elapsed.TotalSeconds : 0;

    /// <summary>The latency at <paramref name="percentile"/>, in µs; null without a successful call.</summary>
    public static double? Micros(PhaseResult result, double percentile) =>
        result.Latency.TotalCount == 0 ? null : result.Latency.GetValueAtPercentile(percentile) / 1000.0;

    /// <summary>The mean latency, in µs; null without a successful call.</summary>
    public static double? MeanMicros(PhaseResult result) =>
        result.Latency.TotalCount == 0 ? null : result.Latency.GetMean() / 1000.0;

    /// <summary>The slowest call, in µs; null without a successful call.</summary>
    public static double? MaxMicros(PhaseResult result) =>
        result.Latency.TotalCount == 0 ? null : result.Latency.GetMaxValue() / 1000.0;

    /// <summary>"p99.9".</summary>
    public static string PercentileName(double percentile) => FormattableString.Invariant($"p{percentile}");

    public static double? Mebibytes(long? bytes) => bytes / (1024.0 * 1024.0);
}
