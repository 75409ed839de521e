namespace NeuralSec.Gateway.Hosting;

/// <summary>
/// A failure found after the host started that the operator must not miss: a model they named that cannot load, a
/// GPU they demanded that is not there. The sidecar stops and <c>neuralsec serve</c> exits 1 with the reason in one
/// line — where staying up would leave a pod alive, unready and answering "not served here", which looks like a
/// client's mistake rather than the deployment's.
/// </summary>
internal sealed class StartupFailure(IHostApplicationLifetime lifetime)
{
    private string? _reason;

    /// <summary>The first failure's reason, or null while none happened.</summary>
    public string? Reason => Volatile.Read(ref _reason);

    public void Fail(string reason)
    {
        if (Interlocked.CompareExchange(ref _reason, reason, null) is null)
        {
            lifetime.StopApplication();
        }
    }
}
