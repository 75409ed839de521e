namespace NeuralSec.Gateway.Alerts.Sinks;

/// <summary>Checks the sink validators share: integer ranges, durations, a backoff pair.</summary>
internal static class SinkRules
{
    public static void Range(List<string> errors, string path, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{path}: {value} is outside {min}..{max}.");
        }
    }

    public static void Duration(List<string> errors, string path, TimeSpan value, bool allowZero)
    {
        if (value < TimeSpan.Zero || (!allowZero && value == TimeSpan.Zero) || value > TimeSpan.FromHours(1))
        {
            errors.Add($"{path}: {value} must be {(allowZero ? "zero or more" : "more than zero")} and at most 01:00:00.");
        }
    }

    public static void Backoff(List<string> errors, string path, TimeSpan initial, TimeSpan max)
    {
        Duration(errors, $"{path}:InitialBackoff", initial, allowZero: false);
        Duration(errors, $"{path}:MaxBackoff", max, allowZero: false);
        if (max < initial)
        {
            errors.Add($"{path}: MaxBackoff must not be less than InitialBackoff.");
        }
    }
}
