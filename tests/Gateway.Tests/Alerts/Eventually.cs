namespace NeuralSec.Gateway.Tests.Alerts;

/// <summary>Bounded waiting for something asynchronous to become true: polls, and fails with a message after the
/// limit. The limit is generous because it is a guard against hangs, not a timing assertion.</summary>
internal static class Eventually
{
    public static async Task True(Func<bool> condition, string what, int seconds = 15)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (!condition())
        {
            try
            {
                await Task.Delay(10, limit.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out after {seconds} s waiting for: {what}");
            }
        }
    }
}
