using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NeuralSec.Gateway.Backends;
using NeuralSec.Gateway.Logging;

namespace NeuralSec.Gateway.Health;

/// <summary>
/// Mirrors the backend's readiness into <c>grpc.health.v1</c>: NOT_SERVING until the model is loaded or the
/// upstream answers, SERVING after, for the whole server ("") and for the inference service by name.
/// </summary>
internal sealed class ReadinessMonitor(HealthServiceImpl health, IReadinessSource readiness, TimeProvider time, ILogger<ReadinessMonitor> logger) : BackgroundService
{
    public const string InferenceServiceName = "inference.GRPCInferenceService";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        Publish(false);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var last = false;
        using var timer = new PeriodicTimer(PollInterval, time);
        do
        {
            try
            {
                var ready = readiness.IsReady;
                if (ready != last)
                {
                    Publish(ready);
                    Log.ReadinessChanged(logger, ready);
                    last = ready;
                }
            }
            catch (Exception ex)
            {
                // Whatever a backend does, the loop goes on: a dead loop would freeze the health answer, and a
                // faulted background service could stop the host. Not knowing is not ready.
                HealthLog.ReadinessCheckFailed(logger, ex);
                TryPublish(false);
                last = false;
            }
        }
        while (await WaitForNextTickAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        Publish(false);
        return base.StopAsync(cancellationToken);
    }

    private static async Task<bool> WaitForNextTickAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private void TryPublish(bool ready)
    {
        try
        {
            Publish(ready);
        }
        catch (Exception ex)
        {
            HealthLog.ReadinessCheckFailed(logger, ex);
        }
    }

    private void Publish(bool ready) => Publish(health, ready);

    /// <summary>Sets the whole server's status and the inference service's, which probes ask for by name.</summary>
    internal static void Publish(HealthServiceImpl health, bool ready)
    {
        var status = ready ? HealthCheckResponse.Types.ServingStatus.Serving : HealthCheckResponse.Types.ServingStatus.NotServing;
        health.SetStatus(string.Empty, status);
        health.SetStatus(InferenceServiceName, status);
    }
}
