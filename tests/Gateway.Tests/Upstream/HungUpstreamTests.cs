using System.Runtime.InteropServices;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NeuralSec.Gateway.Backends.Upstream;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Protocol.Inference;
using Polly.CircuitBreaker;

namespace NeuralSec.Gateway.Tests.Upstream;

/// <summary>
/// The red team's finding: SIGSTOP the model server and, 6.6 s later, the sidecar exited (code 0) and stayed down
/// after SIGCONT. Here the model server hangs in process (every call waits, deaf to deadlines); the sidecar must
/// drop readiness, answer callers with DEADLINE_EXCEEDED or UNAVAILABLE within their deadline, open the breaker,
/// stay up, and serve again once the server answers — without a restart.
/// </summary>
[Collection(UpstreamMetricsCollection.Name)]
public sealed class HungUpstreamTests : IAsyncLifetime
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
            ["NeuralSec:Upstream:AttemptTimeout"] = "00:00:00.300",
            ["NeuralSec:Upstream:TotalTimeout"] = "00:00:01",
            ["NeuralSec:Upstream:MaxRetries"] = "0",
            ["NeuralSec:Upstream:BreakerMinimumThroughput"] = "3",
            ["NeuralSec:Upstream:BreakerFailureRatio"] = "0.5",
            ["NeuralSec:Upstream:BreakerSamplingDuration"] = "00:00:30",
            ["NeuralSec:Upstream:BreakDuration"] = "00:00:00.500",
            ["NeuralSec:Policies:Directory"] = RepoPaths.PassThroughPolicies,
        });
    }

    public async Task DisposeAsync()
    {
        await sidecar.DisposeAsync();
        await upstream.DisposeAsync();
    }

    [Fact]
    public async Task Hung_upstream_drops_readiness_fails_calls_in_time_opens_the_breaker_and_recovers_without_restart()
    {
        var lifetime = sidecar.Services.GetRequiredService<IHostApplicationLifetime>();
        var backend = sidecar.Services.GetRequiredService<UpstreamOipBackend>();
        await sidecar.Client.ModelInferAsync(EchoRequest());

        upstream.Behavior.Hang();
        await sidecar.WaitUntilAsync(ready: false, TimeSpan.FromSeconds(20));

        // Polls keep timing out while the server hangs; each one used to be a chance for the host to stop.
        var polls = upstream.Behavior.ServerReadyCalls;
        await Wait.Until(() => upstream.Behavior.ServerReadyCalls >= polls + 3);

        for (var i = 0; i < 4; i++)
        {
            var ex = await Assert.ThrowsAsync<RpcException>(() =>
                sidecar.Client.ModelInferAsync(EchoRequest(), deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync);
            Assert.Contains(ex.StatusCode, new[] { StatusCode.DeadlineExceeded, StatusCode.Unavailable });

            // The sidecar's own answer, with its reason, not the client giving up on its deadline.
            Assert.Contains(ex.Trailers.GetValue("x-neuralsec-reason"), new[] { "backend_timeout", "backend_unavailable" });
        }

        Assert.Equal(CircuitState.Open, backend.CircuitState);
        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested, "the sidecar began shutting down");

        upstream.Behavior.Release();
        await sidecar.WaitUntilAsync(ready: true, TimeSpan.FromSeconds(20));
        ModelInferResponse? healed = null;
        await Wait.Until(() =>
        {
            try
            {
                healed = sidecar.Client.ModelInfer(EchoRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
                return true;
            }
            catch (RpcException)
            {
                return false; // the circuit's break duration has not passed yet
            }
        });

        Assert.Equal(FakeInferenceService.ModelName, healed!.ModelName);
        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested);
    }

    /// <summary>A caller whose own deadline is shorter than the sidecar's attempt timeout is answered by that
    /// deadline: the upstream call carries it and is abandoned with it.</summary>
    [Fact]
    public async Task Hung_upstream_answers_a_caller_with_a_short_deadline_by_that_deadline()
    {
        await using var patient = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Backend"] = "Upstream",
            ["NeuralSec:Upstream:Address"] = upstream.Address,
            ["NeuralSec:Upstream:ReadinessPollInterval"] = "00:00:00.050",
            ["NeuralSec:Upstream:AttemptTimeout"] = "00:01:00",
            ["NeuralSec:Upstream:TotalTimeout"] = "00:01:00",
            ["NeuralSec:Policies:Directory"] = RepoPaths.PassThroughPolicies,
        });
        await patient.Client.ModelInferAsync(EchoRequest());
        upstream.Behavior.Hang();

        var call = patient.Client.ModelInferAsync(EchoRequest(), deadline: DateTime.UtcNow.AddMilliseconds(500)).ResponseAsync;

        // A hang guard far below the sidecar's one-minute attempt timeout, not a measurement.
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
    }

    private static ModelInferRequest EchoRequest()
    {
        var request = new ModelInferRequest { ModelName = FakeInferenceService.ModelName, Id = "hung" };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "x", Datatype = "FP32" };
        input.Shape.AddRange([1, 4]);
        request.Inputs.Add(input);
        request.RawInputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes<float>([1f, 2f, 3f, 4f])));
        return request;
    }
}
