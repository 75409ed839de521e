using System.Threading.RateLimiting;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using NeuralSec.Gateway.Metrics;
using NeuralSec.Gateway.Options;
using NeuralSec.Protocol.Inference;
using Polly.RateLimiting;
using Polly.Timeout;

namespace NeuralSec.Gateway.Backends.Upstream;

/// <summary>
/// Forwards to an Open Inference Protocol v2 model server (Triton, KServe, MLServer) beside the sidecar, over
/// one HTTP/2 channel and through <see cref="UpstreamResiliencePipeline"/>. Every failure leaves as a
/// <see cref="BackendException"/> with a caller-safe message, except the caller's own cancellation, which
/// stays an <see cref="OperationCanceledException"/>.
/// </summary>
internal sealed class UpstreamOipBackend : IModelBackend, IModelRepository, IDisposable
{
    /// <summary>Long enough to spare the server a metadata call per request, short enough that a reloaded model's
    /// new signature is seen promptly.</summary>
    private static readonly TimeSpan MetadataTimeToLive = TimeSpan.FromSeconds(5);

    private readonly GrpcChannel _channel;
    private readonly GRPCInferenceService.GRPCInferenceServiceClient _client;
    private readonly UpstreamResiliencePipeline _resilience;
    private readonly UpstreamMetadataCache _metadata;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private int _disposed;

    public UpstreamOipBackend(UpstreamOptions options, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger<UpstreamOipBackend>();
        _channel = UpstreamChannelFactory.Create(options);
        _client = new GRPCInferenceService.GRPCInferenceServiceClient(_channel);
        _resilience = new UpstreamResiliencePipeline(options, timeProvider, _logger);
        _metadata = new UpstreamMetadataCache(MetadataTimeToLive, timeProvider);
        Readiness = new UpstreamReadinessMonitor(
            _client,
            options.ReadinessPollInterval,
            _resilience.AttemptTimeout,
            timeProvider,
            loggerFactory.CreateLogger<UpstreamReadinessMonitor>());
        Log.UpstreamConfigured(_logger, options.Address);
    }

    public string Kind => "upstream";

    public bool IsReady => Readiness.IsReady;

    /// <summary>The readiness poller; run it as a hosted service (see <see cref="UpstreamServiceCollectionExtensions"/>).</summary>
    public UpstreamReadinessMonitor Readiness { get; }

    /// <summary>The breaker's state, for tests and diagnostics; the metric carries it for operators.</summary>
    public Polly.CircuitBreaker.CircuitState CircuitState => _resilience.CircuitState;

    public async ValueTask<ModelDescriptor?> GetModelAsync(string name, string? version, CancellationToken cancellationToken)
    {
        if (_metadata.TryGet(name, version, out var cached))
        {
            return cached;
        }

        var request = new ModelMetadataRequest { Name = name, Version = version ?? string.Empty };
        ModelMetadataResponse? response;
        try
        {
            response = await ExecuteAsync(
                "ModelMetadata",
                name,
                static (c, r, options) => c.ModelMetadataAsync(r, options),
                request,
                null,
                cancellationToken).ConfigureAwait(false);
        }
        catch (BackendException ex) when (ex.Error == BackendError.ModelNotFound)
        {
            response = null;
        }

        ModelDescriptor? descriptor;
        try
        {
            descriptor = response is null ? null : UpstreamMessages.FromMetadata(response);
        }
        catch (UpstreamProtocolException ex)
        {
            throw Fail("ModelMetadata", name, ex);
        }

        _metadata.Set(name, version, descriptor);
        return descriptor;
    }

    public async ValueTask<bool> IsModelReadyAsync(string name, string? version, CancellationToken cancellationToken)
    {
        var request = new ModelReadyRequest { Name = name, Version = version ?? string.Empty };
        try
        {
            var response = await ExecuteAsync(
                "ModelReady",
                name,
                static (c, r, options) => c.ModelReadyAsync(r, options),
                request,
                null,
                cancellationToken).ConfigureAwait(false);
            return response.Ready;
        }
        catch (BackendException ex) when (ex.Error is BackendError.ModelNotFound or BackendError.Unavailable)
        {
            // "Is it ready?" has a plain answer when the model or the server is missing: no.
            return false;
        }
    }

    /// <summary>Triton's ModelConfig, forwarded as the model server answers it (fields our proto subset does not
    /// declare pass through as unknown fields); null when it says NOT_FOUND.</summary>
    public async ValueTask<ModelConfigResponse?> GetModelConfigAsync(ModelConfigRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return await ExecuteAsync("ModelConfig", request.Name, static (c, r, options) => c.ModelConfigAsync(r, options), request, null, cancellationToken).ConfigureAwait(false);
        }
        catch (BackendException ex) when (ex.Error == BackendError.ModelNotFound)
        {
            return null;
        }
    }

    /// <summary>Triton's ModelStatistics, forwarded as the model server answers it; null when it says NOT_FOUND.</summary>
    public async ValueTask<ModelStatisticsResponse?> GetModelStatisticsAsync(ModelStatisticsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return await ExecuteAsync("ModelStatistics", request.Name, static (c, r, options) => c.ModelStatisticsAsync(r, options), request, null, cancellationToken).ConfigureAwait(false);
        }
        catch (BackendException ex) when (ex.Error == BackendError.ModelNotFound)
        {
            return null;
        }
    }

    /// <summary>Triton's RepositoryIndex, forwarded as the model server answers it.</summary>
    public async ValueTask<RepositoryIndexResponse> GetRepositoryIndexAsync(RepositoryIndexRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await ExecuteAsync("RepositoryIndex", string.Empty, static (c, r, options) => c.RepositoryIndexAsync(r, options), request, null, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<BackendInferResult> InferAsync(BackendInferRequest request, CancellationToken cancellationToken) =>
        InferAsync(request, request.Deadline, cancellationToken);

    /// <summary>Forwards an inference. <paramref name="callerDeadline"/> (UTC), when the front end knows it, caps
    /// the deadline sent upstream so the model server can drop work nobody will wait for.</summary>
    public async ValueTask<BackendInferResult> InferAsync(BackendInferRequest request, DateTime? callerDeadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var message = UpstreamMessages.ToInferRequest(request);
        var response = await ExecuteAsync(
            "ModelInfer",
            request.ModelName,
            static (c, r, options) => c.ModelInferAsync(r, options),
            message,
            callerDeadline,
            cancellationToken).ConfigureAwait(false);
        try
        {
            return UpstreamMessages.FromInferResponse(response);
        }
        catch (UpstreamProtocolException ex)
        {
            Log.MalformedResponse(_logger, request.ModelName, ex.Message);
            throw Fail("ModelInfer", request.ModelName, ex);
        }
    }

    public void Dispose()
    {
        // DI disposes this once per registration (the concrete type and IModelBackend); once is enough.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Readiness.Dispose();
        _resilience.Dispose();
        _channel.Dispose();
    }

    /// <summary>Runs one unary call (retry → limiter permit → breaker → call) with one time budget: the total
    /// timeout, or the caller's deadline when earlier. Each attempt carries the earliest of its attempt timeout and
    /// that budget as its gRPC deadline (see <see cref="UpstreamResiliencePipeline"/>).</summary>
    private async ValueTask<TResponse> ExecuteAsync<TRequest, TResponse>(
        string operation,
        string model,
        Func<GRPCInferenceService.GRPCInferenceServiceClient, TRequest, CallOptions, AsyncUnaryCall<TResponse>> call,
        TRequest request,
        DateTime? callerDeadline,
        CancellationToken cancellationToken)
    {
        var budget = _timeProvider.GetUtcNow().UtcDateTime + _resilience.TotalTimeout;
        if (callerDeadline is { } caller && caller < budget)
        {
            budget = caller;
        }

        try
        {
            try
            {
                // The first attempt runs outside the retry pipeline: most calls succeed at once, and the pipeline's
                // layers (context, bridge, strategy, outcome) cost the pass-through path about 5% of its throughput.
                return await AttemptAsync(call, request, budget, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception first) when (_resilience.RetriesTransientFailures && UpstreamFailureClassifier.IsTransient(first) && !cancellationToken.IsCancellationRequested)
            {
                // A transient failure is replayed into the pipeline as its first outcome, so the retries that follow are
                // the ones it would have made: the same count, backoff, jitter and log lines.
                var replay = new FirstAttemptReplay(first);
                var state = (Backend: this, Call: call, Request: request, Budget: budget, Replay: replay);
                return await _resilience.Retry.ExecuteAsync(
                    static (s, token) => s.Replay.TryTake(out var failure)
                        ? ValueTask.FromException<TResponse>(failure)
                        : s.Backend.AttemptAsync(s.Call, s.Request, s.Budget, token),
                    state,
                    cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller went away or its own deadline passed: not the server's fault, and not ours to report.
            throw;
        }
        catch (Exception ex) when (ex is not BackendException)
        {
            throw Fail(operation, model, ex);
        }
    }

    /// <summary>One attempt: a limiter permit (queued at most until the budget ends), then the call through the breaker
    /// with its deadline — the attempt timeout from the moment it holds the permit, capped by the budget.</summary>
    private async ValueTask<TResponse> AttemptAsync<TRequest, TResponse>(
        Func<GRPCInferenceService.GRPCInferenceServiceClient, TRequest, CallOptions, AsyncUnaryCall<TResponse>> call,
        TRequest request,
        DateTime budget,
        CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow().UtcDateTime;
        if (budget <= now)
        {
            // A retry's backoff ran past the budget: no time is left to ask again.
            throw new TimeoutRejectedException("the call's time budget was spent before this attempt", _resilience.TotalTimeout);
        }

        using var permit = await AcquirePermitAsync(budget - now, cancellationToken).ConfigureAwait(false);
        now = _timeProvider.GetUtcNow().UtcDateTime;
        var deadline = now + _resilience.AttemptTimeout;
        if (budget < deadline)
        {
            deadline = budget;
        }

        var state = (Backend: this, Call: call, Request: request, Deadline: deadline, Timeout: deadline - now);
        return await _resilience.Breaker.ExecuteAsync(
            static async (s, token) =>
            {
                try
                {
                    return await s.Call(s.Backend._client, s.Request, new CallOptions(deadline: s.Deadline, cancellationToken: token)).ConfigureAwait(false);
                }
                catch (OperationCanceledException ex) when (!token.IsCancellationRequested)
                {
                    // The channel reports its own expired deadline as a cancellation (ThrowOperationCanceledOnCancellation).
                    // No token fired, so it was the deadline: the server did not answer in time. Said as such, it reads
                    // DEADLINE_EXCEEDED (not INTERNAL) and counts against the breaker like any other unanswered call.
                    Log.AttemptTimedOut(s.Backend._logger, s.Timeout);
                    throw new RpcException(new Status(StatusCode.DeadlineExceeded, "the upstream call's deadline passed", ex));
                }
            },
            state,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A permit to call the model server: at once when one is free (no allocation, no timer), else from the
    /// queue for at most <paramref name="wait"/>. A full queue is <see cref="RateLimiterRejectedException"/>, a wait past
    /// the deadline <see cref="TimeoutRejectedException"/>; neither speaks of the server's health.</summary>
    private async ValueTask<RateLimitLease> AcquirePermitAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        var lease = _resilience.Limiter.AttemptAcquire();
        if (lease.IsAcquired)
        {
            return lease;
        }

        lease.Dispose();
        using var timeout = new CancellationTokenSource(wait, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            lease = await _resilience.Limiter.AcquireAsync(1, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutRejectedException("queued for the model server until the deadline passed", wait);
        }

        if (!lease.IsAcquired)
        {
            lease.Dispose();
            throw new RateLimiterRejectedException();
        }

        return lease;
    }

    private BackendException Fail(string operation, string model, Exception exception)
    {
        var failure = UpstreamFailureClassifier.Classify(exception);
        if (UpstreamFailureClassifier.IndicatesServerDown(exception))
        {
            Readiness.ReportUnreachable();
        }

        GatewayMetrics.UpstreamErrors.WithLabels(failure.Reason).Inc();
        if (failure.Error is not (BackendError.ModelNotFound or BackendError.Unimplemented))
        {
            Log.CallFailed(_logger, operation, model, failure.Error, failure.Reason, exception);
        }

        return failure.ToException(exception);
    }
}
