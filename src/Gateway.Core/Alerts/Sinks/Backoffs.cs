namespace NeuralSec.Gateway.Alerts.Sinks;

/// <summary>Retry delays: exponential with "equal jitter" (half fixed, half random), so many sidecars that lost the
/// same receiver do not come back at it in lockstep.</summary>
internal static class Backoffs
{
    public static TimeSpan Exponential(int attempt, TimeSpan initial, TimeSpan max)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var ceiling = Math.Min(max.Ticks, initial.Ticks * Math.Pow(2, exponent));
        return TimeSpan.FromTicks((long)((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2)));
    }
}
