using System.Net;
using Grpc.Core;
using Grpc.Health.V1;
using NeuralSec.Gateway.Tests.Infrastructure;

namespace NeuralSec.Gateway.Tests.Integration;

/// <summary>grpc.health.v1, readiness on a broken model repository, and the metrics port.</summary>
public sealed class HealthAndMetricsTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task Grpc_health_is_SERVING_for_the_server_and_the_inference_service()
    {
        var health = new Grpc.Health.V1.Health.HealthClient(fixture.Server.Channel);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);
        Assert.Equal(
            HealthCheckResponse.Types.ServingStatus.Serving,
            (await health.CheckAsync(new HealthCheckRequest { Service = "inference.GRPCInferenceService" })).Status);
        var ex = await Assert.ThrowsAsync<RpcException>(() => health.CheckAsync(new HealthCheckRequest { Service = "nope" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    /// <summary>A model found by scanning the repository (no <c>Models</c> list) that fails to load: the sidecar
    /// stays up, not ready, and answers that model's requests UNAVAILABLE with a reason, not "not served here". A
    /// model the operator named stops the sidecar instead (<see cref="Hosting.StartupFailureTests"/>).</summary>
    [Fact]
    public async Task A_scanned_model_that_fails_to_load_keeps_the_sidecar_NOT_SERVING_and_says_so()
    {
        var repository = Directory.CreateTempSubdirectory("neuralsec-broken-");
        try
        {
            var version = Directory.CreateDirectory(Path.Combine(repository.FullName, "broken", "1"));
            await File.WriteAllTextAsync(Path.Combine(version.FullName, "model.onnx"), "this is not an ONNX graph");
            var logs = new RecordingLogs();
            await using var server = await GatewayServer.StartAsync(
                new Dictionary<string, string?>
                {
                    ["NeuralSec:OnnxRuntime:ModelRepository"] = repository.FullName,
                    ["NeuralSec:Policies:Directory"] = RepoPaths.PassThroughPolicies,
                },
                waitUntilReady: false,
                logs: logs,
                withoutAppSettings: true);
            var backend = (Backends.OnnxRuntime.OnnxRuntimeBackend)server.Services.GetService(typeof(Backends.OnnxRuntime.OnnxRuntimeBackend))!;
            await backend.WhenLoaded;

            Assert.False((await server.Client.ServerReadyAsync(new NeuralSec.Protocol.Inference.ServerReadyRequest())).Ready);
            var health = new Grpc.Health.V1.Health.HealthClient(server.Channel);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest())).Status);
            using var ready = await server.Http.GetAsync(new Uri("/v2/health/ready", UriKind.Relative));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            using var live = await server.Http.GetAsync(new Uri("/v2/health/live", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            Assert.Contains(logs.Entries, e => e.Message.StartsWith("Failed to load model broken", StringComparison.Ordinal));

            var request = InferRequests.Raw(TestDigits.Image(0));
            request.ModelName = "broken";
            var refused = await Assert.ThrowsAsync<RpcException>(() => server.Client.ModelInferAsync(request).ResponseAsync);
            Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
            Assert.Contains("failed to load", refused.Status.Detail, StringComparison.Ordinal);
        }
        finally
        {
            repository.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Metrics_are_served_on_the_metrics_port_only()
    {
        await fixture.Server.Client.ModelInferAsync(InferRequests.Raw(TestDigits.Image(0)));
        var text = await fixture.Server.Metrics.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("neuralsec_requests_total{model=\"mnist\",outcome=\"ok\"}", text, StringComparison.Ordinal);
        Assert.Contains("neuralsec_stage_duration_seconds_bucket{stage=\"forward\"", text, StringComparison.Ordinal);
        // The gauge is process-wide and other tests' gateways set it too: its presence is what is checked here; its
        // value follows readiness (tested through the health endpoints).
        Assert.Contains("neuralsec_backend_ready{backend=\"onnxruntime\"}", text, StringComparison.Ordinal);

        using var onHttpPort = await fixture.Server.Http.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, onHttpPort.StatusCode);
        using var restOnMetricsPort = await fixture.Server.Metrics.GetAsync(new Uri("/v2/health/live", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, restOnMetricsPort.StatusCode);
    }

    /// <summary>Routing matches paths case-insensitively, so the port check must too: the red team read the scrape
    /// as <c>/Metrics</c> on both client ports.</summary>
    [Theory]
    [InlineData("/Metrics")]
    [InlineData("/METRICS")]
    [InlineData("/metrics/")]
    [InlineData("/%6Detrics")]
    public async Task Metrics_are_not_served_on_client_ports_whatever_the_spelling(string path)
    {
        using var onHttpPort = await fixture.Server.Http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, onHttpPort.StatusCode);

        // The gRPC port speaks HTTP/2 only (h2c without TLS).
        using var h2c = new HttpClient { BaseAddress = fixture.Server.Endpoints.Grpc };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var onGrpcPort = await h2c.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, onGrpcPort.StatusCode);
        Assert.DoesNotContain("neuralsec_", await onGrpcPort.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The same spelling is the scrape on the metrics port: the check and routing agree.
        using var onMetricsPort = await fixture.Server.Metrics.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, onMetricsPort.StatusCode);
    }
}
