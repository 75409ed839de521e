using System.Globalization;
using System.Text.RegularExpressions;

namespace NeuralSec.LoadTest;

/// <summary>
/// What one h2load run printed: its request counts, HTTP status classes, wall time and rate, and its "time for
/// request" line (min, max, mean, sd, in µs). h2load sees HTTP statuses only: a gRPC error rides in the grpc-status
/// trailer of an HTTP 200 and counts as a 2xx here.
/// </summary>
internal sealed partial record H2LoadResult(
    long Total,
    long Succeeded,
    long Failed,
    long Errored,
    long TimedOut,
    long Status2xx,
    long Status3xx,
    long Status4xx,
    long Status5xx,
    double FinishedSeconds,
    double RequestsPerSecond,
    double MinMicros,
    double MaxMicros,
    double MeanMicros,
    double SdMicros)
{
    /// <summary>Reads h2load's summary; null with <paramref name="error"/> when a line is missing (h2load failed early).</summary>
    public static H2LoadResult? Parse(string output, out string? error)
    {
        var finished = Finished().Match(output);
        var requests = Requests().Match(output);
        var status = StatusCodes().Match(output);
        var time = TimeForRequest().Match(output);
        error = (finished.Success, requests.Success, status.Success, time.Success) switch
        {
            (false, _, _, _) => "no 'finished in' line",
            (_, false, _, _) => "no 'requests:' line",
            (_, _, false, _) => "no 'status codes:' line",
            (_, _, _, false) => "no 'time for request:' line",
            _ => null,
        };
        if (error is not null)
        {
            return null;
        }

        long Count(Match match, string group) => long.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);
        return new H2LoadResult(
            Count(requests, "total"),
            Count(requests, "succeeded"),
            Count(requests, "failed"),
            Count(requests, "errored"),
            Count(requests, "timeout"),
            Count(status, "s2"),
            Count(status, "s3"),
            Count(status, "s4"),
            Count(status, "s5"),
            Duration(finished.Groups["time"].Value) / 1e6,
            double.Parse(finished.Groups["rate"].Value, CultureInfo.InvariantCulture),
            Duration(time.Groups["min"].Value),
            Duration(time.Groups["max"].Value),
            Duration(time.Groups["mean"].Value),
            Duration(time.Groups["sd"].Value));
    }

    /// <summary>"289us", "2.93ms", "1.20s" in µs.</summary>
    private static double Duration(string text)
    {
        var match = DurationText().Match(text);
        var value = double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
        return match.Groups["unit"].Value switch
        {
            "us" => value,
            "ms" => value * 1e3,
            "s" => value * 1e6,
            "m" => value * 60e6,
            "h" => value * 3600e6,
            var unit => throw new FormatException($"h2load duration unit '{unit}' in '{text}'"),
        };
    }

    private const string D = @"\d+(?:\.\d+)?(?:us|ms|s|m|h)";

    [GeneratedRegex(@"^finished in (?<time>" + D + @"), (?<rate>\d+(?:\.\d+)?) req/s", RegexOptions.Multiline)]
    private static partial Regex Finished();

    [GeneratedRegex(@"^requests: (?<total>\d+) total, \d+ started, \d+ done, (?<succeeded>\d+) succeeded, (?<failed>\d+) failed, (?<errored>\d+) errored, (?<timeout>\d+) timeout", RegexOptions.Multiline)]
    private static partial Regex Requests();

    [GeneratedRegex(@"^status codes: (?<s2>\d+) 2xx, (?<s3>\d+) 3xx, (?<s4>\d+) 4xx, (?<s5>\d+) 5xx", RegexOptions.Multiline)]
    private static partial Regex StatusCodes();

    [GeneratedRegex(@"^time for request:\s+(?<min>" + D + @")\s+(?<max>" + D + @")\s+(?<mean>" + D + @")\s+(?<sd>" + D + @")", RegexOptions.Multiline)]
    private static partial Regex TimeForRequest();

    [GeneratedRegex(@"^(?<value>\d+(?:\.\d+)?)(?<unit>us|ms|s|m|h)$")]
    private static partial Regex DurationText();
}
