namespace NeuralSec.Gateway.Tests.Infrastructure;

/// <summary>Bounded polling for conditions that become true asynchronously (reloads, alert delivery). The bound
/// is a failure limit, not a timing assertion.</summary>
internal static class Wait
{
    public static async Task Until(Func<bool> condition, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(20));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the condition did not become true in time");
            }

            await Task.Delay(20);
        }
    }
}
