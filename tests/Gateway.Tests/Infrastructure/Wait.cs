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
        while (!await condition().ConfigureAwait(false))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not true within {(limit ?? DefaultLimit).TotalSeconds:F0} s: {what ?? "the condition"}");
            }

            await Task.Delay(Interval).ConfigureAwait(false);
        }
    }
}
