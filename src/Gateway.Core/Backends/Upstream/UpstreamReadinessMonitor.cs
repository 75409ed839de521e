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

    private readonly GRPCInferenceService.GRPCInferenceServiceClient _client;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _pollTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private volatile bool _ready;

    public UpstreamReadinessMonitor(
        GRPCInferenceService.GRPCInferenceServiceClient client,
        TimeSpan interval,
        TimeSpan pollTimeout,
        TimeProvider timeProvider,
        ILogger logger)
    {
        _client = client;
        _interval = interval;
        _pollTimeout = pollTimeout;
        _timeProvider = timeProvider;
        _logger = logger;
        GatewayMetrics.BackendReady.WithLabels(BackendLabel).Set(0);
    }

    public bool IsReady => _ready;

    /// <summary>Asks the server once and records the answer. Any failure counts as not ready and none escapes:
    /// a poll that times out (the channel reports its own deadline as a cancellation) is a server that does not
    /// answer, the plainest case of not ready — and an exception here would end the loop and, with it, the host.
    /// Only <paramref name="cancellationToken"/> firing (the host stopping) propagates.</summary>
    public async Task<bool> PollOnceAsync(CancellationToken cancellationToken)
    {
        bool answer;
        try
        {
            var deadline = _timeProvider.GetUtcNow().UtcDateTime + _pollTimeout;
            var response = await _client.ServerReadyAsync(new ServerReadyRequest(), deadline: deadline, cancellationToken: cancellationToken);
            answer = response.Ready;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException ex)
        {
            Log.ReadinessPollTimedOut(_logger, _pollTimeout, ex);
            answer = false;
        }
        catch (RpcException ex)
        {
            Log.ReadinessPollFailed(_logger, ex.StatusCode, ex);
            answer = false;
        }
        catch (Exception ex)
        {
            Log.ReadinessPollCrashed(_logger, ex);
            answer = false;
        }

        Set(answer);
        return answer;
    }

    /// <summary>A call found the server unreachable; the next successful poll restores readiness.</summary>
    public void ReportUnreachable() => Set(false);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval, _timeProvider);
        do
        {
            try
            {
                await PollOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return; // Host shutdown.
            }
            catch (Exception ex)
            {
                // PollOnceAsync already turns every failure into "not ready"; this guards the loop itself, which
                // must outlive anything a poll can do: the host must never stop because the model server hangs.
                Log.ReadinessPollCrashed(_logger, ex);
                Set(false);
            }
        }
        while (await WaitForNextTickAsync(timer, stoppingToken).ConfigureAwait(false));
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

    private void Set(bool value)
    {
        if (_ready == value)
        {
            return;
        }

        _ready = value;
        GatewayMetrics.BackendReady.WithLabels(BackendLabel).Set(value ? 1 : 0);
        Log.ReadinessChanged(_logger, value);
    }
}
