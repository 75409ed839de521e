namespace NeuralSec.Gateway.Tests.Infrastructure;

/// <summary>The one bounded polling helper of the tests, for conditions that become true asynchronously (reloads,
/// alert delivery, readiness). The bound is a guard against hangs, not a timing assertion: it is generous, and
/// failing it says what was awaited.</summary>
internal static class Wait
{
    private static readonly TimeSpan DefaultLimit = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    public static Task Until(Func<bool> condition, string? what = null, TimeSpan? limit = null) =>
        Until(() => Task.FromResult(condition()), what, limit);

    public static async Task Until(Func<Task<bool>> condition, string? what = null, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? DefaultLimit);
        while (!await Bounded(condition, deadline, what, limit ?? DefaultLimit).ConfigureAwait(false))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not true within {(limit ?? DefaultLimit).TotalSeconds:F0} s: {what ?? "the condition"}");
            }

            await Task.Delay(Interval).ConfigureAwait(false);
        }
    }

    /// <summary>One evaluation of the condition, itself bounded by the deadline: a condition that never completes (a
    /// call the server never answers) fails the wait as a false one would.</summary>
    private static async Task<bool> Bounded(Func<Task<bool>> condition, DateTime deadline, string? what, TimeSpan limit)
    {
        var left = deadline - DateTime.UtcNow;
        try
        {
            return await condition().WaitAsync(left > TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"not true within {limit.TotalSeconds:F0} s (the check itself did not finish): {what ?? "the condition"}", ex);
        }
    }
}
