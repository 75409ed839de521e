using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NeuralSec.Gateway.Backends.Upstream;
using NeuralSec.Gateway.Tests.Infrastructure;
using Polly.CircuitBreaker;

namespace NeuralSec.Gateway.Tests.Upstream;

/// <summary>
/// The red team's reproduction itself: the model server is a real separate process (the built gateway serving
/// the MNIST fixture on its embedded ONNX Runtime) and is stopped with SIGSTOP, then resumed with SIGCONT. The
/// sidecar in front of it, in this process, must ride it out without stopping.
/// </summary>
[Collection(UpstreamMetricsCollection.Name)]
public sealed class StoppedUpstreamProcessTests
{
    [Fact]
    public async Task SIGSTOP_on_the_model_server_drops_readiness_and_SIGCONT_brings_everything_back_without_restart()
    {
        if (!ChildGateway.Supported)
        {
            return; // signals are Linux's; the in-process hang (HungUpstreamTests) covers the behaviour elsewhere
        }

        await using var modelServer = await ChildGateway.StartAsync();
        await using var sidecar = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Backend"] = "Upstream",
            ["NeuralSec:Upstream:Address"] = modelServer.Grpc.ToString(),
            ["NeuralSec:Upstream:ReadinessPollInterval"] = "00:00:00.100",
            ["NeuralSec:Upstream:AttemptTimeout"] = "00:00:00.500",
            ["NeuralSec:Upstream:TotalTimeout"] = "00:00:01",
            ["NeuralSec:Upstream:MaxRetries"] = "0",
            ["NeuralSec:Upstream:BreakerMinimumThroughput"] = "3",
            ["NeuralSec:Upstream:BreakerFailureRatio"] = "0.5",
            ["NeuralSec:Upstream:BreakerSamplingDuration"] = "00:00:30",
            ["NeuralSec:Upstream:BreakDuration"] = "00:00:00.500",
            ["NeuralSec:Policies:Directory"] = RepoPaths.PassThroughPolicies,
        });
        var lifetime = sidecar.Services.GetRequiredService<IHostApplicationLifetime>();
        var backend = sidecar.Services.GetRequiredService<UpstreamOipBackend>();
        var digit = InferRequests.Raw(TestDigits.Image(0));
        // A fresh process's first inference can take longer than the short attempt timeout used here.
        await Wait.Until(() => Answers(sidecar, digit), limit: TimeSpan.FromSeconds(60));

        modelServer.Stop();
        try
        {
            await sidecar.WaitUntilAsync(ready: false, TimeSpan.FromSeconds(30));
            for (var i = 0; i < 4; i++)
            {
                var ex = await Assert.ThrowsAsync<RpcException>(() =>
                    sidecar.Client.ModelInferAsync(digit, deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync);
                Assert.Contains(ex.StatusCode, new[] { StatusCode.DeadlineExceeded, StatusCode.Unavailable });
                Assert.Contains(ex.Trailers.GetValue("x-neuralsec-reason"), new[] { "backend_timeout", "backend_unavailable" });
            }

            Assert.Equal(CircuitState.Open, backend.CircuitState);
            Assert.False(lifetime.ApplicationStopping.IsCancellationRequested, "the sidecar began shutting down");
        }
        finally
        {
            modelServer.Continue();
        }

        await sidecar.WaitUntilAsync(ready: true, TimeSpan.FromSeconds(30));
        await Wait.Until(() => Answers(sidecar, digit), limit: TimeSpan.FromSeconds(30)); // once the break duration has passed
        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested);
    }

    [Fact]
    public async Task A_killed_model_server_is_unavailable_and_its_replacement_is_used_without_a_restart()
    {
        if (!ChildGateway.Supported)
        {
            return;
        }

        // The replacement comes back on the same port, as a restarted container does behind a Service.
        var port = FreePort();
        var first = await ChildGateway.StartAsync($"--NeuralSec:Server:GrpcPort={port}");
        await using var sidecar = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Backend"] = "Upstream",
            ["NeuralSec:Upstream:Address"] = first.Grpc.ToString(),
            ["NeuralSec:Upstream:ReadinessPollInterval"] = "00:00:00.100",
            ["NeuralSec:Upstream:AttemptTimeout"] = "00:00:02",
            ["NeuralSec:Upstream:BreakDuration"] = "00:00:00.500",
            ["NeuralSec:Policies:Directory"] = RepoPaths.PassThroughPolicies,
        });
        var lifetime = sidecar.Services.GetRequiredService<IHostApplicationLifetime>();
        var digit = InferRequests.Raw(TestDigits.Image(0));
        await Wait.Until(() => Answers(sidecar, digit), limit: TimeSpan.FromSeconds(60));

        first.Kill();
        await first.DisposeAsync();
        await sidecar.WaitUntilAsync(ready: false, TimeSpan.FromSeconds(30));
        var ex = await Assert.ThrowsAsync<RpcException>(() => sidecar.Client.ModelInferAsync(digit, deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Equal("backend_unavailable", ex.Trailers.GetValue("x-neuralsec-reason"));

        await using var replacement = await ChildGateway.StartAsync($"--NeuralSec:Server:GrpcPort={port}");
        await sidecar.WaitUntilAsync(ready: true, TimeSpan.FromSeconds(60));
        await Wait.Until(() => Answers(sidecar, digit), "answers from the replacement", TimeSpan.FromSeconds(60));
        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool Answers(GatewayServer sidecar, NeuralSec.Protocol.Inference.ModelInferRequest digit)
    {
        try
        {
            var response = sidecar.Client.ModelInfer(digit, deadline: DateTime.UtcNow.AddSeconds(10));
            return InferRequests.ArgMax(InferRequests.Logits(response)) == TestDigits.Label(0);
        }
        catch (RpcException)
        {
            return false;
        }
    }
}
