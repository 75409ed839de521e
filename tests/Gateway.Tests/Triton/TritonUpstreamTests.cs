using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Gateway.Tests.Upstream;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Tests.Triton;

/// <summary>
/// The upstream backend forwards Triton's repository calls to the model server: here a second real sidecar on the
/// embedded backend, whose own answers are the reference; and the fake model server of the upstream tests, which
/// (like a KServe server) does not implement them.
/// </summary>
[Collection(UpstreamMetricsCollection.Name)]
public sealed class TritonUpstreamTests : IAsyncLifetime
{
    private GatewayServer modelServer = null!;
    private GatewayServer sidecar = null!;

    public async Task InitializeAsync()
    {
        modelServer = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Policies:Directory"] = RepoPaths.PassThroughPolicies,
        });
        sidecar = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Backend"] = "Upstream",
            ["NeuralSec:Upstream:Address"] = modelServer.Endpoints.Grpc.ToString(),
            ["NeuralSec:Upstream:ReadinessPollInterval"] = "00:00:00.100",
            ["NeuralSec:Upstream:RetryBaseDelay"] = "00:00:00.010",
            ["NeuralSec:Policies:Directory"] = RepoPaths.PassThroughPolicies,
        });
    }

    public async Task DisposeAsync()
    {
        await sidecar.DisposeAsync();
        await modelServer.DisposeAsync();
    }

    [Fact]
    public async Task ModelConfig_and_RepositoryIndex_are_the_model_servers_own_answers()
    {
        var direct = await modelServer.Client.ModelConfigAsync(new ModelConfigRequest { Name = "mnist" });
        var forwarded = await sidecar.Client.ModelConfigAsync(new ModelConfigRequest { Name = "mnist" });
        Assert.Equal(direct, forwarded);
        Assert.Equal("onnxruntime_onnx", forwarded.Config.Platform);
        using var call = sidecar.Client.ModelConfigAsync(new ModelConfigRequest { Name = "mnist" });
        await call;
        Assert.False(string.IsNullOrEmpty(call.GetTrailers().GetValue("x-neuralsec-request-id")));

        Assert.Equal(
            await modelServer.Client.RepositoryIndexAsync(new RepositoryIndexRequest()),
            await sidecar.Client.RepositoryIndexAsync(new RepositoryIndexRequest()));
    }

    [Fact]
    public async Task ModelStatistics_are_the_model_servers_counts_of_the_forwarded_inferences()
    {
        var before = Assert.Single((await sidecar.Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "mnist" })).ModelStats);
        await sidecar.Client.ModelInferAsync(InferRequests.Raw(TestDigits.Image(0), TestDigits.Image(1)));

        var forwarded = Assert.Single((await sidecar.Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "mnist" })).ModelStats);
        var direct = Assert.Single((await modelServer.Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "mnist" })).ModelStats);
        Assert.Equal(direct, forwarded);
        Assert.Equal(before.ExecutionCount + 1, forwarded.ExecutionCount);
        Assert.Equal(before.InferenceCount + 2, forwarded.InferenceCount);
    }

    [Fact]
    public async Task Unknown_models_upstream_are_NOT_FOUND_in_the_sidecars_words()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => sidecar.Client.ModelConfigAsync(new ModelConfigRequest { Name = "nope" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.Equal("model_not_found", ex.Trailers.GetValue("x-neuralsec-reason"));
        Assert.Contains("'nope'", ex.Status.Detail, StringComparison.Ordinal);

        var stats = await Assert.ThrowsAsync<RpcException>(() => sidecar.Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "nope" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, stats.StatusCode);
    }

    [Fact]
    public async Task REST_config_and_index_over_the_upstream()
    {
        var config = await sidecar.Http.GetFromJsonAsync<JsonElement>(new Uri("/v2/models/mnist/config", UriKind.Relative));
        Assert.Equal("[1,28,28]", config.GetProperty("input")[0].GetProperty("dims").GetRawText());

        using var index = await sidecar.Http.PostAsync(new Uri("/v2/repository/index", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Equal("READY", (await index.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_model_server_without_the_extensions_makes_them_UNIMPLEMENTED()
    {
        await using var kserve = await FakeModelServer.StartAsync();
        await using var front = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Backend"] = "Upstream",
            ["NeuralSec:Upstream:Address"] = kserve.Address,
            ["NeuralSec:Upstream:ReadinessPollInterval"] = "00:00:00.050",
            ["NeuralSec:Policies:Directory"] = RepoPaths.PassThroughPolicies,
        });

        var config = await Assert.ThrowsAsync<RpcException>(() => front.Client.ModelConfigAsync(new ModelConfigRequest { Name = FakeInferenceService.ModelName }).ResponseAsync);
        var stats = await Assert.ThrowsAsync<RpcException>(() => front.Client.ModelStatisticsAsync(new ModelStatisticsRequest()).ResponseAsync);
        var index = await Assert.ThrowsAsync<RpcException>(() => front.Client.RepositoryIndexAsync(new RepositoryIndexRequest()).ResponseAsync);
        foreach (var ex in new[] { config, stats, index })
        {
            Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
            Assert.Equal("not_implemented", ex.Trailers.GetValue("x-neuralsec-reason"));
        }

        using var rest = await front.Http.GetAsync(new Uri($"/v2/models/{FakeInferenceService.ModelName}/config", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotImplemented, rest.StatusCode);

        // The server is not sick for lacking a call: it stays ready and its breaker closed.
        Assert.True((await front.Client.ServerReadyAsync(new ServerReadyRequest())).Ready);
        Assert.Equal(Polly.CircuitBreaker.CircuitState.Closed, front.Services.GetRequiredService<Backends.Upstream.UpstreamOipBackend>().CircuitState);
    }
}
