namespace NeuralSec.Gateway.Logging;

/// <summary>
/// Lets one log line through per window for an event a caller can repeat at will (malformed requests, failed
/// authentication), and counts the rest, so a flood costs one line per window instead of one per request. The next
/// line that goes through says how many were held back.
/// </summary>
internal sealed class BurstLimiter(TimeSpan window, TimeProvider time)
{
    private long _windowStart = long.MinValue;
    private long _suppressed;

    /// <summary>True when this occurrence should be logged; <paramref name="suppressedBefore"/> is the count held
    /// back since the last line that went through.</summary>
    public bool ShouldLog(out long suppressedBefore)
    {
        var now = time.GetTimestamp();
        var start = Interlocked.Read(ref _windowStart);
        if (start != long.MinValue && time.GetElapsedTime(start, now) < window)
        {
            Interlocked.Increment(ref _suppressed);
            suppressedBefore = 0;
            return false;
        }

        if (Interlocked.CompareExchange(ref _windowStart, now, start) != start)
        {
            // Another thread opened the window a moment ago.
            Interlocked.Increment(ref _suppressed);
            suppressedBefore = 0;
            return false;
        }

        suppressedBefore = Interlocked.Exchange(ref _suppressed, 0);
        return true;
    }
}
