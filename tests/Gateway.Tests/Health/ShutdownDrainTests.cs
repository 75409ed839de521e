using System.Net;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Gateway.Tests.Upstream;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Tests.Health;

/// <summary>
/// Rolling updates: on stop the sidecar first says it is not ready — grpc.health.v1 NOT_SERVING, ServerReady
/// false, <c>/v2/health/ready</c> 503 — and keeps serving for the drain delay while endpoints are withdrawn; only
/// then do the listeners close, in-flight calls finish, and alerts of those calls are still delivered.
/// </summary>
[Collection(UpstreamMetricsCollection.Name)]
public sealed class ShutdownDrainTests : IAsyncLifetime
{
    private FakeModelServer upstream = null!;

    public async Task InitializeAsync() => upstream = await FakeModelServer.StartAsync();

    public async Task DisposeAsync() => await upstream.DisposeAsync();

    [Fact]
    public async Task Stop_reports_not_ready_first_and_serves_in_flight_and_new_requests_through_the_drain()
    {
        await using var sidecar = await Sidecar(new() { ["NeuralSec:Server:ShutdownDrainDelay"] = "00:00:05" });
        var health = new Grpc.Health.V1.Health.HealthClient(sidecar.Channel);
        upstream.Behavior.Delay = TimeSpan.FromMilliseconds(500);
        var inFlight = sidecar.Client.ModelInferAsync(EchoRequest()).ResponseAsync;
        await upstream.Behavior.InferStarted.Task.WaitAsync(TimeSpan.FromSeconds(20));

        var stopping = sidecar.StopAsync();

        await Wait.Until(() => health.Check(new HealthCheckRequest()).Status == HealthCheckResponse.Types.ServingStatus.NotServing);
        Assert.Equal(
            HealthCheckResponse.Types.ServingStatus.NotServing,
            (await health.CheckAsync(new HealthCheckRequest { Service = "inference.GRPCInferenceService" })).Status);
        Assert.False((await sidecar.Client.ServerReadyAsync(new ServerReadyRequest())).Ready);
        using (var ready = await sidecar.Http.GetAsync(new Uri("/v2/health/ready", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }

        upstream.Behavior.Delay = TimeSpan.Zero;
        var during = await sidecar.Client.ModelInferAsync(EchoRequest());
        Assert.Equal(FakeInferenceService.ModelName, during.ModelName);
        Assert.False(stopping.IsCompleted, "the drain window ended before the test could use it");
        Assert.Equal(FakeInferenceService.ModelName, (await inFlight.WaitAsync(TimeSpan.FromSeconds(20))).ModelName);

        await stopping.WaitAsync(TimeSpan.FromSeconds(60));
        await Assert.ThrowsAsync<RpcException>(() => sidecar.Client.ModelInferAsync(EchoRequest()).ResponseAsync);
    }

    [Fact]
    public async Task A_call_in_flight_at_stop_finishes_and_its_alert_is_delivered()
    {
        using var policies = new PolicyFolder().Write("default.yaml", PolicyFolder.Policy("shadow-budget", """
              models: ["*"]
              mode: monitor
              rateLimit: { perClient: { tokensPerSecond: 0.001, burst: 1 } }
            """));
        await using var sidecar = await Sidecar(new() { ["NeuralSec:Policies:Directory"] = policies.Path });
        await sidecar.Client.ModelInferAsync(EchoRequest()); // spends the budget

        // Over budget in monitor mode: answered, and alerted by the last stage — after the slow model call.
        upstream.Behavior.Delay = TimeSpan.FromSeconds(1);
        using var call = sidecar.Client.ModelInferAsync(EchoRequest());
        await Wait.Until(() => upstream.Behavior.InferCalls == 2);
        var stopping = sidecar.StopAsync();

        Assert.Equal(FakeInferenceService.ModelName, (await call.ResponseAsync.WaitAsync(TimeSpan.FromSeconds(20))).ModelName);
        await stopping.WaitAsync(TimeSpan.FromSeconds(60));

        var requestId = call.GetTrailers().GetValue("x-neuralsec-request-id");
        var alert = await sidecar.AlertForAsync(requestId!);
        Assert.Equal("throttle", alert.GetProperty("unmapped").GetProperty("neuralsec").GetProperty("action").GetString());
    }

    [Fact]
    public async Task The_drain_is_added_to_the_hosts_shutdown_timeout()
    {
        await using var sidecar = await Sidecar(new() { ["NeuralSec:Server:ShutdownDrainDelay"] = "00:00:07" });

        var host = sidecar.Services.GetRequiredService<IOptions<HostOptions>>().Value;

        // 30 s is the host's default: calls in flight keep all of it after the drain.
        Assert.Equal(TimeSpan.FromSeconds(37), host.ShutdownTimeout);
    }

    private Task<GatewayServer> Sidecar(Dictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["NeuralSec:Backend"] = "Upstream",
            ["NeuralSec:Upstream:Address"] = upstream.Address,
            ["NeuralSec:Upstream:ReadinessPollInterval"] = "00:00:00.050",
            ["NeuralSec:Policies:Directory"] = RepoPaths.PassThroughPolicies,
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return GatewayServer.StartAsync(all);
    }

    private static ModelInferRequest EchoRequest()
    {
        var request = new ModelInferRequest { ModelName = FakeInferenceService.ModelName, Id = "drain" };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "x", Datatype = "FP32" };
        input.Shape.AddRange([1, 4]);
        request.Inputs.Add(input);
        request.RawInputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes<float>([1f, 2f, 3f, 4f])));
        return request;
    }
}
