using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using NeuralSec.Gateway.Metrics;
using NeuralSec.Gateway.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace NeuralSec.Gateway.Backends.Upstream;

/// <summary>
/// What stands between a call and the model server, outermost first:
/// <list type="number">
/// <item>retry (Polly, <see cref="Retry"/>): transient failures only (<see cref="UpstreamFailureClassifier.IsTransient"/>), jittered
/// exponential backoff, so a restarting model server is ridden over without a thundering herd. A call's first attempt
/// runs without it; only a transient failure enters it, replayed as its first outcome (see <see cref="FirstAttemptReplay"/>);</item>
/// <item>circuit breaker (Polly, <see cref="Breaker"/>): after a failure ratio over the sampling window, calls fail fast instead of
/// piling up on a sick server; one trial call after <see cref="UpstreamOptions.BreakDuration"/>;</item>
/// <item>concurrency limiter with a queue (<see cref="Limiter"/>, taken by the backend for each attempt between the
/// two): bounds what the sidecar puts on the model server; outside the breaker, so that a full queue or a queued call
/// giving up is never one of the breaker's samples, neither a failure nor a success;</item>
/// <item>time: no timer strategy. The whole call has one budget, <see cref="TotalTimeout"/> (retries, backoff and
/// queueing included) or the caller's own deadline when earlier; a queued attempt waits at most until it ends. Each
/// attempt carries a gRPC deadline — its <see cref="AttemptTimeout"/> from the moment it holds a permit, capped by the
/// budget — which the client enforces and the model server is told. A timed-out attempt
/// is not retried (a model that is slow now will be slow again, and a retry would double its load).</item>
/// </list>
/// Two Polly timeout strategies did the same before, at two timers, two linked cancellation sources and two
/// async layers per call; the deadline the call already carried made them redundant on the pass-through path.
/// </summary>
internal sealed class UpstreamResiliencePipeline : IDisposable
{
    /// <summary>Caps the exponential backoff so a large MaxRetries does not wait for minutes.</summary>
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(2);

    private readonly CircuitBreakerStateProvider _circuitState = new();

    public UpstreamResiliencePipeline(UpstreamOptions options, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);

        AttemptTimeout = options.AttemptTimeout;
        TotalTimeout = options.TotalTimeout;
        Limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.MaxConcurrency,
            QueueLimit = options.QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });

        var retry = new ResiliencePipelineBuilder { Name = "upstream-retry", TimeProvider = timeProvider };

        // Polly refuses MaxRetryAttempts = 0; "no retries" simply means no retry strategy.
        RetriesTransientFailures = options.MaxRetries > 0;
        if (RetriesTransientFailures)
        {
            retry.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryBaseDelay,
                MaxDelay = MaxRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(UpstreamFailureClassifier.IsTransient),
                OnRetry = args =>
                {
                    Log.Retrying(logger, args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception);
                    return default;
                },
            });
        }

        Retry = retry.Build();
        var breaker = new ResiliencePipelineBuilder { Name = "upstream-breaker", TimeProvider = timeProvider };
        breaker.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            FailureRatio = options.BreakerFailureRatio,
            MinimumThroughput = options.BreakerMinimumThroughput,
            SamplingDuration = options.BreakerSamplingDuration,
            BreakDuration = options.BreakDuration,
            StateProvider = _circuitState,
            ShouldHandle = new PredicateBuilder().Handle<Exception>(UpstreamFailureClassifier.IndicatesUnhealthyServer),
            OnOpened = args =>
            {
                GatewayMetrics.UpstreamCircuitState.Set(1);
                Log.CircuitOpened(logger, args.BreakDuration, args.Outcome.Exception);
                return default;
            },
            OnHalfOpened = _ =>
            {
                GatewayMetrics.UpstreamCircuitState.Set(2);
                Log.CircuitHalfOpened(logger);
                return default;
            },
            OnClosed = _ =>
            {
                GatewayMetrics.UpstreamCircuitState.Set(0);
                Log.CircuitClosed(logger);
                return default;
            },
        });

        Breaker = breaker.Build();
        GatewayMetrics.UpstreamCircuitState.Set(0);
    }

    /// <summary>Outermost: retries of transient failures (empty with <see cref="UpstreamOptions.MaxRetries"/> 0). The
    /// backend enters it only after a first attempt failed transiently, and replays that failure as its first outcome.</summary>
    public ResiliencePipeline Retry { get; }

    /// <summary>Whether <see cref="Retry"/> retries anything (<see cref="UpstreamOptions.MaxRetries"/> above 0).</summary>
    public bool RetriesTransientFailures { get; }

    /// <summary>Innermost, around the call itself once it holds a permit: the circuit breaker.</summary>
    public ResiliencePipeline Breaker { get; }

    /// <summary>The timeout of one attempt, sent to the server as the gRPC deadline.</summary>
    public TimeSpan AttemptTimeout { get; }

    /// <summary>The budget of the whole call, retries and queueing included.</summary>
    public TimeSpan TotalTimeout { get; }

    /// <summary>Bounds the calls in flight to the model server, with a queue.</summary>
    public ConcurrencyLimiter Limiter { get; }

    public CircuitState CircuitState => _circuitState.CircuitState;

    public void Dispose() => Limiter.Dispose();
}
