using Grpc.HealthCheck;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace NeuralSec.Gateway.Health;

/// <summary>
/// The first step of shutdown (SIGTERM or <c>StopAsync</c>): before any hosted service stops — Kestrel included,
/// which the host stops first of all — report not ready and keep serving for
/// <c>NeuralSec:Server:ShutdownDrainDelay</c>. Kubernetes withdraws a terminating pod from its endpoints
/// asynchronously; without the window, clients still routed here would meet closed listeners. After it, Kestrel
/// stops accepting, lets in-flight calls finish within the host's shutdown timeout, and only then do the alert
/// dispatcher and the other services stop, so alerts of those last calls are still delivered or spooled.
/// </summary>
internal sealed class ShutdownDrain(
    ShutdownState state,
    HealthServiceImpl health,
    TimeSpan delay,
    TimeProvider time,
    ILogger<ShutdownDrain> logger) : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (!state.BeginDrain())
        {
            return;
        }

        // At once, not at the readiness mirror's next tick: a probe in between would still read SERVING.
        ReadinessMonitor.Publish(health, ready: false);
        HealthLog.DrainStarted(logger, delay);
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout ran out or the stop was forced: stop draining and let the rest proceed.
        }

        HealthLog.DrainEnded(logger);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
