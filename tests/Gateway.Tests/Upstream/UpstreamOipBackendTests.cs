using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Logging;
using NeuralSec.Gateway.Backends.Upstream;
using Grpc.Core;
using NeuralSec.Gateway.Backends;
using NeuralSec.Gateway.Metrics;
using NeuralSec.Gateway.Tests.Infrastructure;
using Polly.CircuitBreaker;

namespace NeuralSec.Gateway.Tests.Upstream;

[Collection(UpstreamMetricsCollection.Name)]
public sealed class UpstreamOipBackendTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    private FakeModelServer server = null!;

    public async Task InitializeAsync() => server = await FakeModelServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task Infer_RoundTripsRawTensors()
    {
        using var backend = UpstreamTestOptions.Backend(UpstreamTestOptions.For(server.Address));

        var result = await backend.InferAsync(UpstreamTestOptions.EchoRequest(), CancellationToken.None);

        Assert.Equal("1", result.ModelVersion);
        var output = Assert.Single(result.Outputs);
        Assert.Equal("y", output.Name);
        Assert.Equal([1L, 4L], output.Shape);
        Assert.Equal([2f, 4f, 6f, 8f], output.AsSpan<float>().ToArray());
        Assert.Equal(1, server.Behavior.InferCalls);
    }

    [Fact]
    public async Task Infer_AcceptsTypedContentsFromTheServer()
    {
        using var backend = UpstreamTestOptions.Backend(UpstreamTestOptions.For(server.Address));
        server.Behavior.ResponseMode = FakeResponseMode.Typed;

        var result = await backend.InferAsync(UpstreamTestOptions.EchoRequest(), CancellationToken.None);

        Assert.Equal([2f, 4f, 6f, 8f], Assert.Single(result.Outputs).AsSpan<float>().ToArray());
    }

    [Fact]
    public async Task Infer_MalformedResponse_IsInternal_AndNotRetried()
    {
        using var backend = UpstreamTestOptions.Backend(UpstreamTestOptions.For(server.Address));
        server.Behavior.ResponseMode = FakeResponseMode.Malformed;

        var ex = await Assert.ThrowsAsync<BackendException>(() => backend.InferAsync(UpstreamTestOptions.EchoRequest(), CancellationToken.None).AsTask());

        Assert.Equal(BackendError.Internal, ex.Error);
        Assert.Equal(1, server.Behavior.InferCalls);
    }

    [Theory]
    [InlineData(StatusCode.Unavailable)]
    [InlineData(StatusCode.ResourceExhausted)]
    public async Task Infer_RetriesTransientFailures_ThenSucceeds(StatusCode status)
    {
        using var backend = UpstreamTestOptions.Backend(UpstreamTestOptions.For(server.Address, o => o.MaxRetries = 3));
        server.Behavior.FailNext(2, status);

        var result = await backend.InferAsync(UpstreamTestOptions.EchoRequest(), CancellationToken.None);

        Assert.Single(result.Outputs);
        Assert.Equal(3, server.Behavior.InferCalls);
    }

    [Fact]
    public async Task Infer_FirstAttemptOutsideThePipeline_RetriesAsThePipelineWould()
    {
        // The first attempt is made outside Polly and its failure replayed into the retry pipeline: the retries that
        // follow must be numbered, counted and logged as if the pipeline had made that attempt itself.
        using var logs = new RecordingLogs();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        using var backend = new UpstreamOipBackend(UpstreamTestOptions.For(server.Address, o => o.MaxRetries = 2), TimeProvider.System, factory);
        server.Behavior.FailNext(1, StatusCode.Unavailable);

        var result = await backend.InferAsync(UpstreamTestOptions.EchoRequest(), CancellationToken.None);

        Assert.Single(result.Outputs);
        Assert.Equal(2, server.Behavior.InferCalls);
        var retries = logs.Entries.Where(e => e.Message.StartsWith("Retrying upstream call", StringComparison.Ordinal)).ToArray();
        var retry = Assert.Single(retries);
        Assert.Contains("(attempt 1)", retry.Message, StringComparison.Ordinal);
        Assert.IsType<RpcException>(retry.Exception);
    }

    [Theory]
    [InlineData(0)] // no retry pipeline at all: the first attempt, made outside it, is the only one
    [InlineData(2)]
    public async Task Infer_GivesUpAfterMaxRetries_AsUnavailable(int maxRetries)
    {
        using var backend = UpstreamTestOptions.Backend(UpstreamTestOptions.For(server.Address, o => o.MaxRetries = maxRetries));
        server.Behavior.FailNext(100, StatusCode.Unavailable);

        var ex = await Assert.ThrowsAsync<BackendException>(() => backend.InferAsync(UpstreamTestOptions.EchoRequest(), CancellationToken.None).AsTask());

        Assert.Equal(BackendError.Unavailable, ex.Error);
        Assert.Equal(maxRetries + 1, server.Behavior.InferCalls);
    }

    [Theory]
    [InlineData(StatusCode.InvalidArgument, nameof(BackendError.InvalidInput))]
    [InlineData(StatusCode.NotFound, nameof(BackendError.ModelNotFound))]
    [InlineData(StatusCode.Internal, nameof(BackendError.Internal))]
    [InlineData(StatusCode.PermissionDenied, nameof(BackendError.Internal))]
    public async Task Infer_DoesNotRetryNonTransientFailures(StatusCode status, string expected)
    {
        using var backend = UpstreamTestOptions.Backend(UpstreamTestOptions.For(server.Address, o => o.MaxRetries = 3));
        server.Behavior.FailNext(1, status);

        var ex = await Assert.ThrowsAsync<BackendException>(() => backend.InferAsync(UpstreamTestOptions.EchoRequest(), CancellationToken.None).AsTask());

        Assert.Equal(Enum.Parse<BackendError>(expected), ex.Error);
        Assert.Equal(1, server.Behavior.InferCalls);
        Assert.DoesNotContain("injected", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_UpstreamDown_IsUnavailable()
    {
        using var backend = UpstreamTestOptions.Backend(UpstreamTestOptions.For(UpstreamTestOptions.DeadAddress(), o => o.MaxRetries = 1));
        var before = GatewayMetrics.UpstreamErrors.WithLabels("unavailable").Value;

        var ex = await Assert.ThrowsAsync<BackendException>(() => backend.InferAsync(UpstreamTestOptions.EchoRequest(), CancellationToken.None).AsTask());

        Assert.Equal(BackendError.Unavailable, ex.Error);
        Assert.True(GatewayMetrics.UpstreamErrors.WithLabels("unavailable").Value > before);
    }

    [Fact]
    public async Task Infer_UpstreamGone_DropsReadinessBeforeTheNextPoll()
    {
        var doomed = await FakeModelServer.StartAsync();
        using var backend = UpstreamTestOptions.Backend(UpstreamTestOptions.For(doomed.Address, o => o.MaxRetries = 0));
        Assert.True(await backend.Readiness.PollOnceAsync(CancellationToken.None));
        await doomed.DisposeAsync();

        var ex = await Assert.ThrowsAsync<BackendException>(() => backend.InferAsync(UpstreamTestOptions.EchoRequest(), CancellationToken.None).AsTask());

        Assert.Equal(BackendError.Unavailable, ex.Error);
        Assert.False(backend.IsReady);
    }

    [Fact]
    public async Task Infer_SlowUpstream_IsDeadlineExceeded_AndTheServerSeesTheCancellation()
    {
        using var backend = UpstreamTestOptions.Backend(UpstreamTestOptions.For(server.Address, o =>
        {
            o.AttemptTimeout = TimeSpan.FromMilliseconds(100);
            o.TotalTimeout = TimeSpan.FromMilliseconds(300);
        }));
        // The connection first: on a starved machine the connect alone can outlast the 100 ms attempt (the connect
        // timeout is the attempt timeout), and then no call reaches the server for it to see cancelled.
        await Wait.Until(async () =>
        {
            try
            {
                await backend.InferAsync(UpstreamTestOptions.EchoRequest(), CancellationToken.None);
                return true;
            }
            catch (BackendException)
            {
                return false;
            }
        }, "a first answer from the fake model server");
        server.Behavior.Delay = TimeSpan.FromSeconds(30);

        var ex = await Assert.ThrowsAsync<BackendException>(() => backend.InferAsync(UpstreamTestOptions.EchoRequest(), CancellationToken.None).AsTask());

        Assert.Equal(BackendError.DeadlineExceeded, ex.Error);
        await server.Behavior.InferCancelled.Task.WaitAsync(Limit);
    }

    /// <summary>The channel reports its own expired deadline as a cancellation; a hung server must still read as
    /// DEADLINE_EXCEEDED (never INTERNAL) and count against the breaker. The caller's deadline, shorter than the
    /// attempt timeout, makes the gRPC deadline fire first every time.</summary>
    [Fact]
    public async Task Infer_HungUpstream_IsDeadlineExceeded_ThenTheBreakerOpens()
    {
        using var backend = UpstreamTestOptions.Backend(UpstreamTestOptions.For(server.Address, o =>
        {
            o.MaxRetries = 0;
            o.BreakerMinimumThroughput = 3;
            o.BreakerFailureRatio = 0.5;
            o.BreakerSamplingDuration = TimeSpan.FromSeconds(60);
            o.BreakDuration = TimeSpan.FromSeconds(30);
        }));
        server.Behavior.Hang();

        for (var i = 0; i < 3; i++)
        {
            var ex = await Assert.ThrowsAsync<BackendException>(() =>
                backend.InferAsync(UpstreamTestOptions.EchoRequest(), DateTime.UtcNow.AddMilliseconds(150), CancellationToken.None).AsTask());
            Assert.Equal(BackendError.DeadlineExceeded, ex.Error);
        }

        Assert.Equal(CircuitState.Open, backend.CircuitState);
        var open = await Assert.ThrowsAsync<BackendException>(() => backend.InferAsync(UpstreamTestOptions.EchoRequest(), CancellationToken.None).AsTask());
        Assert.Equal(BackendError.Unavailable, open.Error);
    }

    [Fact]
    public async Task Infer_SendsADeadlineUpstream_CappedByTheCallers()
    {
        using var backend = UpstreamTestOptions.Backend(UpstreamTestOptions.For(server.Address, o =>
        {
            o.AttemptTimeout = TimeSpan.FromMinutes(5);
            o.TotalTimeout = TimeSpan.FromMinutes(5);
        }));
        var callerDeadline = DateTime.UtcNow.AddSeconds(30);

        await backend.InferAsync(UpstreamTestOptions.EchoRequest(), callerDeadline, CancellationToken.None);

        // The deadline travels as a relative grpc-timeout, so allow a little drift; what matters is that the
        // caller's 30 s won over the 5 min attempt timeout.
        Assert.InRange(server.Behavior.LastDeadline, DateTime.UtcNow, callerDeadline.AddSeconds(5));
    }

    [Fact]
    public async Task Infer_CallerCancellation_PropagatesToTheServer()
    {
        using var backend = UpstreamTestOptions.Backend(UpstreamTestOptions.For(server.Address));
        server.Behavior.Delay = TimeSpan.FromSeconds(30);
        using var cts = new CancellationTokenSource();

        var call = backend.InferAsync(UpstreamTestOptions.EchoRequest(), cts.Token).AsTask();
        await server.Behavior.InferStarted.Task.WaitAsync(Limit);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await server.Behavior.InferCancelled.Task.WaitAsync(Limit);
        Assert.Equal(1, server.Behavior.InferCalls);
    }

    [Fact]
    public async Task Breaker_OpensAfterFailures_FailsFast_ThenClosesAfterBreakDuration()
    {
        // Starts at the real now: the gRPC deadlines are computed from this clock.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var backend = UpstreamTestOptions.Backend(
            UpstreamTestOptions.For(server.Address, o =>
            {
                o.MaxRetries = 0;
                o.BreakerMinimumThroughput = 4;
                o.BreakerFailureRatio = 0.5;
                o.BreakerSamplingDuration = TimeSpan.FromSeconds(30);
                o.BreakDuration = TimeSpan.FromSeconds(5);
            }),
            clock);
        server.Behavior.FailNext(1000, StatusCode.Unavailable);

        for (var i = 0; i < 4; i++)
        {
            await Assert.ThrowsAsync<BackendException>(() => backend.InferAsync(UpstreamTestOptions.EchoRequest(), CancellationToken.None).AsTask());
        }

        Assert.Equal(CircuitState.Open, backend.CircuitState);
        Assert.Equal(4, server.Behavior.InferCalls);

        var openBefore = GatewayMetrics.UpstreamErrors.WithLabels("circuit_open").Value;
        for (var i = 0; i < 3; i++)
        {
            var ex = await Assert.ThrowsAsync<BackendException>(() => backend.InferAsync(UpstreamTestOptions.EchoRequest(), CancellationToken.None).AsTask());
            Assert.Equal(BackendError.Unavailable, ex.Error);
        }

        Assert.Equal(4, server.Behavior.InferCalls);
        Assert.Equal(openBefore + 3, GatewayMetrics.UpstreamErrors.WithLabels("circuit_open").Value);

        server.Behavior.Heal();
        clock.Advance(TimeSpan.FromSeconds(6));

        var result = await backend.InferAsync(UpstreamTestOptions.EchoRequest(), CancellationToken.None);
        Assert.Single(result.Outputs);
        Assert.Equal(CircuitState.Closed, backend.CircuitState);
        await backend.InferAsync(UpstreamTestOptions.EchoRequest(), CancellationToken.None);
        Assert.Equal(6, server.Behavior.InferCalls);
    }

    [Fact]
    public async Task Breaker_IgnoresTheCallersMistakes()
    {
        using var backend = UpstreamTestOptions.Backend(UpstreamTestOptions.For(server.Address, o =>
        {
            o.BreakerMinimumThroughput = 2;
            o.BreakerFailureRatio = 0.5;
        }));
        server.Behavior.FailNext(5, StatusCode.InvalidArgument);

        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<BackendException>(() => backend.InferAsync(UpstreamTestOptions.EchoRequest(), CancellationToken.None).AsTask());
        }

        Assert.Equal(CircuitState.Closed, backend.CircuitState);
    }

    [Fact]
    public async Task Limiter_RejectsBeyondConcurrencyAndQueue_AsUnavailable()
    {
        using var backend = UpstreamTestOptions.Backend(UpstreamTestOptions.For(server.Address, o =>
        {
            o.MaxConcurrency = 1;
            o.QueueLimit = 0;
        }));
        server.Behavior.Delay = TimeSpan.FromSeconds(30);
        using var cts = new CancellationTokenSource();

        var first = backend.InferAsync(UpstreamTestOptions.EchoRequest(), cts.Token).AsTask();
        await server.Behavior.InferStarted.Task.WaitAsync(Limit);
        var ex = await Assert.ThrowsAsync<BackendException>(() => backend.InferAsync(UpstreamTestOptions.EchoRequest(), CancellationToken.None).AsTask());

        Assert.Equal(BackendError.Unavailable, ex.Error);
        Assert.Equal(1, server.Behavior.InferCalls);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
    }


    /// <summary>A call queued behind a busy server waits no longer than its deadline, never reaches the server, and
    /// its wait is not held against the server: the breaker stays closed however many such calls give up.</summary>
    [Fact]
    public async Task Limiter_QueuedPastTheDeadline_IsDeadlineExceeded_AndDoesNotOpenTheBreaker()
    {
        using var backend = UpstreamTestOptions.Backend(UpstreamTestOptions.For(server.Address, o =>
        {
            o.MaxConcurrency = 1;
            o.QueueLimit = 4;
            o.MaxRetries = 0;
            o.BreakerMinimumThroughput = 2;
            o.BreakerFailureRatio = 0.1;
        }));
        server.Behavior.Delay = TimeSpan.FromSeconds(30);
        using var cts = new CancellationTokenSource();

        var first = backend.InferAsync(UpstreamTestOptions.EchoRequest(), cts.Token).AsTask();
        await server.Behavior.InferStarted.Task.WaitAsync(Limit);
        for (var i = 0; i < 3; i++)
        {
            var ex = await Assert.ThrowsAsync<BackendException>(() =>
                backend.InferAsync(UpstreamTestOptions.EchoRequest(), DateTime.UtcNow.AddMilliseconds(100), CancellationToken.None).AsTask());
            Assert.Equal(BackendError.DeadlineExceeded, ex.Error);
        }

        Assert.Equal(1, server.Behavior.InferCalls);
        Assert.Equal(CircuitState.Closed, backend.CircuitState);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
    }

    /// <summary>Calls that gave up in the limiter's queue are not the breaker's samples at all — not failures, and not
    /// successes either, which would dilute the failure ratio of a hung server until the breaker could never open.</summary>
    [Fact]
    public async Task Limiter_QueuedCallsAreNotBreakerSamples_SoAHungServerStillOpensIt()
    {
        using var backend = UpstreamTestOptions.Backend(UpstreamTestOptions.For(server.Address, o =>
        {
            o.MaxConcurrency = 1;
            o.QueueLimit = 8;
            o.MaxRetries = 0;
            o.BreakerMinimumThroughput = 2;
            o.BreakerFailureRatio = 0.5;
            o.BreakerSamplingDuration = TimeSpan.FromSeconds(60);
            o.BreakDuration = TimeSpan.FromSeconds(30);
        }));
        server.Behavior.Hang();

        var first = backend.InferAsync(UpstreamTestOptions.EchoRequest(), DateTime.UtcNow.AddSeconds(2), CancellationToken.None).AsTask();
        await server.Behavior.InferStarted.Task.WaitAsync(Limit);
        for (var i = 0; i < 4; i++)
        {
            var queued = await Assert.ThrowsAsync<BackendException>(() =>
                backend.InferAsync(UpstreamTestOptions.EchoRequest(), DateTime.UtcNow.AddMilliseconds(50), CancellationToken.None).AsTask());
            Assert.Equal(BackendError.DeadlineExceeded, queued.Error);
        }

        Assert.Equal(BackendError.DeadlineExceeded, (await Assert.ThrowsAsync<BackendException>(() => first)).Error);
        var second = await Assert.ThrowsAsync<BackendException>(() =>
            backend.InferAsync(UpstreamTestOptions.EchoRequest(), DateTime.UtcNow.AddMilliseconds(150), CancellationToken.None).AsTask());
        Assert.Equal(BackendError.DeadlineExceeded, second.Error);

        // Two unanswered calls of two samples: open. Had the four queued calls counted as successes, 2 of 6 is not.
        Assert.Equal(CircuitState.Open, backend.CircuitState);
    }

    /// <summary>The total timeout is one budget over every attempt and backoff: an upstream that keeps answering
    /// UNAVAILABLE is asked again only while time is left, and the last answer is the caller's.</summary>
    [Fact]
    public async Task Retries_StopWhenTheTotalBudgetIsSpent()
    {
        using var backend = UpstreamTestOptions.Backend(UpstreamTestOptions.For(server.Address, o =>
        {
            o.MaxRetries = 50;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(100);
            o.TotalTimeout = TimeSpan.FromMilliseconds(400);
            o.BreakerMinimumThroughput = 1_000;
        }));
        server.Behavior.FailNext(1_000, StatusCode.Unavailable);

        var ex = await Assert.ThrowsAsync<BackendException>(() => backend.InferAsync(UpstreamTestOptions.EchoRequest(), CancellationToken.None).AsTask());

        Assert.Contains(ex.Error, new[] { BackendError.Unavailable, BackendError.DeadlineExceeded });

        // Backoff doubles from 100 ms (jittered, capped at 2 s): far fewer than 51 attempts fit in 400 ms.
        Assert.InRange(server.Behavior.InferCalls, 1, 20);
    }
    [Fact]
    public async Task GetModel_MapsMetadata_AndCachesIt()
    {
        using var backend = UpstreamTestOptions.Backend(UpstreamTestOptions.For(server.Address));

        var first = await backend.GetModelAsync(FakeInferenceService.ModelName, null, CancellationToken.None);
        var second = await backend.GetModelAsync(FakeInferenceService.ModelName, null, CancellationToken.None);

        Assert.NotNull(first);
        Assert.Same(first, second);
        Assert.Equal("1", first.DefaultVersion);
        var input = Assert.Single(first.Inputs);
        Assert.Equal(("x", NeuralSec.Detectors.Tensors.TensorDataType.FP32), (input.Name, input.DataType));
        Assert.Equal([-1L, 4L], input.Shape);
        Assert.Equal(1, server.Behavior.MetadataCalls);
    }

    [Fact]
    public async Task GetModel_UnknownModel_IsNull()
    {
        using var backend = UpstreamTestOptions.Backend(UpstreamTestOptions.For(server.Address));

        Assert.Null(await backend.GetModelAsync("nope", null, CancellationToken.None));
    }

    [Fact]
    public async Task IsModelReady_PassesThrough()
    {
        using var backend = UpstreamTestOptions.Backend(UpstreamTestOptions.For(server.Address));

        Assert.True(await backend.IsModelReadyAsync(FakeInferenceService.ModelName, null, CancellationToken.None));
        Assert.False(await backend.IsModelReadyAsync("nope", null, CancellationToken.None));
        server.Behavior.Ready = false;
        Assert.False(await backend.IsModelReadyAsync(FakeInferenceService.ModelName, null, CancellationToken.None));
    }
}
