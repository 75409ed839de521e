using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using NeuralSec.Gateway.Metrics;
using NeuralSec.Gateway.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace NeuralSec.Gateway.Backends.Upstream;

/// <summary>
/// The Polly v8 pipeline in front of the model server, outermost first:
/// <list type="number">
/// <item>total timeout: the whole call, retries and queueing included, has one budget;</item>
/// <item>retry: transient failures only (<see cref="UpstreamFailureClassifier.IsTransient"/>), jittered
/// exponential backoff, so a restarting model server is ridden over without a thundering herd;</item>
/// <item>concurrency limiter with a queue: bounds what the sidecar puts on the model server; placed outside the
/// breaker so that local queue overflow never counts as the server's failure;</item>
/// <item>circuit breaker: after a failure ratio over the sampling window, calls fail fast instead of piling up
/// on a sick server; one trial call after <see cref="UpstreamOptions.BreakDuration"/>;</item>
/// <item>attempt timeout: one slow attempt cannot eat the whole budget. A timed-out attempt is not retried
/// (a model that is slow now will be slow again, and a retry would double its load), so it also bounds
/// a call that fails fast on nothing else.</item>
/// </list>
/// </summary>
internal sealed class UpstreamResiliencePipeline : IDisposable
{
    /// <summary>Polly's smallest timeout; the options allow 1 ms, which Polly would refuse at build time.</summary>
    private static readonly TimeSpan MinimumPollyTimeout = TimeSpan.FromMilliseconds(10);

    /// <summary>Caps the exponential backoff so a large MaxRetries does not wait for minutes.</summary>
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(2);

    private readonly CircuitBreakerStateProvider _circuitState = new();
    private readonly ConcurrencyLimiter _limiter;

    public UpstreamResiliencePipeline(UpstreamOptions options, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);

        AttemptTimeout = Max(options.AttemptTimeout, MinimumPollyTimeout);
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.MaxConcurrency,
            QueueLimit = options.QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });

        var builder = new ResiliencePipelineBuilder { Name = "upstream", TimeProvider = timeProvider };
        builder.AddTimeout(Max(options.TotalTimeout, MinimumPollyTimeout));

        // Polly refuses MaxRetryAttempts = 0; "no retries" simply means no retry strategy.
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
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

        builder.AddRateLimiter(_limiter);

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
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

        builder.AddTimeout(new TimeoutStrategyOptions
        {
            Timeout = AttemptTimeout,
            OnTimeout = args =>
            {
                Log.AttemptTimedOut(logger, args.Timeout);
                return default;
            },
        });

        Pipeline = builder.Build();
        GatewayMetrics.UpstreamCircuitState.Set(0);
    }

    public ResiliencePipeline Pipeline { get; }

    /// <summary>The timeout of one attempt as enforced; also sent to the server as the gRPC deadline.</summary>
    public TimeSpan AttemptTimeout { get; }

    public CircuitState CircuitState => _circuitState.CircuitState;

    public void Dispose() => _limiter.Dispose();

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
