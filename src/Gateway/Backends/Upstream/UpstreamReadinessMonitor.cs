using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NeuralSec.Gateway.Metrics;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Backends.Upstream;

/// <summary>
/// Tracks whether the model server can take requests: polls its ServerReady every interval, and is told by the
/// backend when a real call found the server unreachable, so readiness drops at once rather than at the next poll.
/// Only a poll makes it ready again: a server that answers calls may still be loading or draining, and letting
/// calls and polls both set the flag would make it flap.
/// It does not go through the resilience pipeline: the poll must see the server itself, even while the circuit is open.
/// </summary>
internal sealed class UpstreamReadinessMonitor : BackgroundService
{
    private const string BackendLabel = "upstream";

    private readonly GRPCInferenceService.GRPCInferenceServiceClient client;
    private readonly TimeSpan interval;
    private readonly TimeSpan pollTimeout;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private volatile bool ready;

    public UpstreamReadinessMonitor(
        GRPCInferenceService.GRPCInferenceServiceClient client,
        TimeSpan interval,
        TimeSpan pollTimeout,
        TimeProvider timeProvider,
        ILogger logger)
    {
        this.client = client;
        this.interval = interval;
        this.pollTimeout = pollTimeout;
        this.timeProvider = timeProvider;
        this.logger = logger;
        GatewayMetrics.BackendReady.WithLabels(BackendLabel).Set(0);
    }

    public bool IsReady => ready;

    /// <summary>Asks the server once and records the answer; any failure counts as not ready.</summary>
    public async Task<bool> PollOnceAsync(CancellationToken cancellationToken)
    {
        bool answer;
        try
        {
            var deadline = timeProvider.GetUtcNow().UtcDateTime + pollTimeout;
            var response = await client.ServerReadyAsync(new ServerReadyRequest(), deadline: deadline, cancellationToken: cancellationToken);
            answer = response.Ready;
        }
        catch (RpcException ex)
        {
            Log.ReadinessPollFailed(logger, ex.StatusCode, ex);
            answer = false;
        }

        Set(answer);
        return answer;
    }

    /// <summary>A call found the server unreachable; the next successful poll restores readiness.</summary>
    public void ReportUnreachable() => Set(false);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, timeProvider);
        try
        {
            do
            {
                await PollOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown.
        }
    }

    private void Set(bool value)
    {
        if (ready == value)
        {
            return;
        }

        ready = value;
        GatewayMetrics.BackendReady.WithLabels(BackendLabel).Set(value ? 1 : 0);
        Log.ReadinessChanged(logger, value);
    }
}
