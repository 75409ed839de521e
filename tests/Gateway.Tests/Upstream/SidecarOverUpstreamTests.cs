using System.Net;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Grpc.Core;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Tests.Upstream;

/// <summary>The whole sidecar (the production host) with <c>Backend=Upstream</c> in front of the fake model server.</summary>
[Collection(UpstreamMetricsCollection.Name)]
public sealed class SidecarOverUpstreamTests : IAsyncLifetime
{
    private FakeModelServer upstream = null!;
    private GatewayServer sidecar = null!;

    public async Task InitializeAsync()
    {
        upstream = await FakeModelServer.StartAsync();
        sidecar = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Backend"] = "Upstream",
            ["NeuralSec:Upstream:Address"] = upstream.Address,
            ["NeuralSec:Upstream:ReadinessPollInterval"] = "00:00:00.050",
            ["NeuralSec:Upstream:RetryBaseDelay"] = "00:00:00.001",
            ["NeuralSec:Policies:Directory"] = RepoPaths.PassThroughPolicies,
        });
    }

    public async Task DisposeAsync()
    {
        await sidecar.DisposeAsync();
        await upstream.DisposeAsync();
    }

    [Fact]
    public async Task ModelInfer_IsForwardedToTheModelServer()
    {
        var response = await sidecar.Client.ModelInferAsync(EchoRequest());

        Assert.Equal(FakeInferenceService.ModelName, response.ModelName);
        Assert.Equal(1, upstream.Behavior.InferCalls);
        var raw = response.RawOutputContents.Count > 0
            ? MemoryMarshal.Cast<byte, float>(response.RawOutputContents[0].Span).ToArray()
            : response.Outputs[0].Contents.Fp32Contents.ToArray();
        Assert.Equal([2f, 4f, 6f, 8f], raw);
    }

    [Fact]
    public async Task UpstreamDown_IsUnavailable_WithARequestId()
    {
        upstream.Behavior.FailNext(1000, StatusCode.Unavailable);

        var ex = await Assert.ThrowsAsync<RpcException>(() => sidecar.Client.ModelInferAsync(EchoRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.False(string.IsNullOrEmpty(ex.Trailers.GetValue("x-neuralsec-request-id")));
        Assert.DoesNotContain("injected", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readiness_FollowsTheModelServer()
    {
        using (var ready = await sidecar.Http.GetAsync(new Uri("/v2/health/ready", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        upstream.Behavior.Ready = false;
        await sidecar.WaitUntilAsync(ready: false, TimeSpan.FromSeconds(10));

        using var notReady = await sidecar.Http.GetAsync(new Uri("/v2/health/ready", UriKind.Relative));
        Assert.NotEqual(HttpStatusCode.OK, notReady.StatusCode);
    }

    [Fact]
    public async Task Slow_upstream_is_DEADLINE_EXCEEDED_with_the_sidecars_reason()
    {
        // The sidecar's own upstream timeout, not a client deadline racing the server's: the refusal is the
        // sidecar's, with its trailers. (Propagation of the caller's deadline is covered by the backend tests.)
        await using var impatient = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Backend"] = "Upstream",
            ["NeuralSec:Upstream:Address"] = upstream.Address,
            ["NeuralSec:Upstream:ReadinessPollInterval"] = "00:00:00.050",
            ["NeuralSec:Upstream:AttemptTimeout"] = "00:00:00.300",
            ["NeuralSec:Upstream:TotalTimeout"] = "00:00:00.300",
            ["NeuralSec:Policies:Directory"] = RepoPaths.PassThroughPolicies,
        });
        upstream.Behavior.Delay = TimeSpan.FromSeconds(10);

        var ex = await Assert.ThrowsAsync<RpcException>(() => impatient.Client.ModelInferAsync(EchoRequest()).ResponseAsync);

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.Equal("backend_timeout", ex.Trailers.GetValue("x-neuralsec-reason"));
        await upstream.Behavior.InferCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Breaker_opens_on_a_failing_upstream_fails_fast_then_closes_when_it_heals()
    {
        await using var guarded = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Backend"] = "Upstream",
            ["NeuralSec:Upstream:Address"] = upstream.Address,
            ["NeuralSec:Upstream:ReadinessPollInterval"] = "00:00:00.050",
            ["NeuralSec:Upstream:MaxRetries"] = "0",
            ["NeuralSec:Upstream:BreakerMinimumThroughput"] = "4",
            ["NeuralSec:Upstream:BreakerFailureRatio"] = "0.5",
            ["NeuralSec:Upstream:BreakerSamplingDuration"] = "00:00:30",
            ["NeuralSec:Upstream:BreakDuration"] = "00:00:00.500",
            ["NeuralSec:Policies:Directory"] = RepoPaths.PassThroughPolicies,
        });
        upstream.Behavior.FailNext(1000, StatusCode.Unavailable);
        for (var i = 0; i < 4; i++)
        {
            await Assert.ThrowsAsync<RpcException>(() => guarded.Client.ModelInferAsync(EchoRequest()).ResponseAsync);
        }

        var reachedUpstream = upstream.Behavior.InferCalls;
        for (var i = 0; i < 5; i++)
        {
            var ex = await Assert.ThrowsAsync<RpcException>(() => guarded.Client.ModelInferAsync(EchoRequest()).ResponseAsync);
            Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        }

        Assert.Equal(reachedUpstream, upstream.Behavior.InferCalls); // open: nothing reached the model server

        upstream.Behavior.Heal();
        ModelInferResponse? healed = null;
        await Wait.Until(() =>
        {
            try
            {
                healed = guarded.Client.ModelInfer(EchoRequest());
                return true;
            }
            catch (RpcException)
            {
                return false; // still open: the break duration has not passed yet
            }
        });

        Assert.NotNull(healed);
        Assert.True(upstream.Behavior.InferCalls > reachedUpstream);
    }

    private static ModelInferRequest EchoRequest()
    {
        var request = new ModelInferRequest { ModelName = FakeInferenceService.ModelName, Id = "e2e" };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "x", Datatype = "FP32" };
        input.Shape.AddRange([1, 4]);
        request.Inputs.Add(input);
        request.RawInputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes<float>([1f, 2f, 3f, 4f])));
        return request;
    }
}
