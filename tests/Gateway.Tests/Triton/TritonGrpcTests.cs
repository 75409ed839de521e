using Grpc.Core;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Tests.Triton;

/// <summary>Triton's ModelConfig, ModelStatistics and RepositoryIndex on the embedded backend, through the client
/// generated from protos/grpc_predict_v2.proto.</summary>
public sealed class TritonGrpcTests(PassThroughFixture fixture) : IClassFixture<PassThroughFixture>
{
    private GRPCInferenceService.GRPCInferenceServiceClient Client => fixture.Server.Client;

    [Fact]
    public async Task ModelConfig_describes_the_fixture_model_as_Triton_would()
    {
        var config = (await Client.ModelConfigAsync(new ModelConfigRequest { Name = "mnist" })).Config;

        Assert.Equal("mnist", config.Name);
        Assert.Equal("onnxruntime_onnx", config.Platform);
        Assert.Equal("onnxruntime", config.Backend);
        Assert.Equal(64, config.MaxBatchSize);
        var input = Assert.Single(config.Input);
        Assert.Equal("input", input.Name);
        Assert.Equal(DataType.TypeFp32, input.DataType);
        Assert.Equal([1L, 28, 28], input.Dims);
        var output = Assert.Single(config.Output);
        Assert.Equal("logits", output.Name);
        Assert.Equal(DataType.TypeFp32, output.DataType);
        Assert.Equal([10L], output.Dims);
    }

    [Fact]
    public async Task ModelConfig_of_a_named_version_and_of_unknown_ones()
    {
        Assert.Equal("mnist", (await Client.ModelConfigAsync(new ModelConfigRequest { Name = "mnist", Version = "1" })).Config.Name);

        var version = await Assert.ThrowsAsync<RpcException>(() => Client.ModelConfigAsync(new ModelConfigRequest { Name = "mnist", Version = "9" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, version.StatusCode);
        Assert.Equal("model_not_found", version.Trailers.GetValue("x-neuralsec-reason"));
    }

    [Fact]
    public async Task Unknown_model_is_NOT_FOUND_in_ModelMetadatas_words_with_the_name_cut()
    {
        var name = new string('é', 200);
        var metadata = await Assert.ThrowsAsync<RpcException>(() => Client.ModelMetadataAsync(new ModelMetadataRequest { Name = name }).ResponseAsync);
        var config = await Assert.ThrowsAsync<RpcException>(() => Client.ModelConfigAsync(new ModelConfigRequest { Name = name }).ResponseAsync);
        var stats = await Assert.ThrowsAsync<RpcException>(() => Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = name }).ResponseAsync);

        foreach (var ex in new[] { config, stats })
        {
            Assert.Equal(StatusCode.NotFound, ex.StatusCode);
            Assert.Equal(metadata.Status.Detail, ex.Status.Detail);
            Assert.Equal("model_not_found", ex.Trailers.GetValue("x-neuralsec-reason"));
            Assert.False(string.IsNullOrEmpty(ex.Trailers.GetValue("x-neuralsec-request-id")));
            Assert.DoesNotContain('é', ex.Status.Detail);
            Assert.True(ex.Status.Detail.Length < 200, ex.Status.Detail);
        }
    }

    [Fact]
    public async Task ModelStatistics_count_each_execution_its_inferences_and_phases()
    {
        var before = Single(await Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "mnist" }));

        await Client.ModelInferAsync(InferRequests.Raw(TestDigits.Image(0)));
        await Client.ModelInferAsync(InferRequests.Typed(TestDigits.Image(1)));
        await Client.ModelInferAsync(InferRequests.Raw(TestDigits.Image(2), TestDigits.Image(3)));

        var after = Single(await Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "mnist", Version = "1" }));
        Assert.Equal("mnist", after.Name);
        Assert.Equal("1", after.Version);
        Assert.Equal(before.ExecutionCount + 3, after.ExecutionCount);
        Assert.Equal(before.InferenceCount + 4, after.InferenceCount);
        Assert.Equal(before.InferenceStats.Success.Count + 3, after.InferenceStats.Success.Count);
        Assert.Equal(before.InferenceStats.Fail.Count, after.InferenceStats.Fail.Count);
        Assert.Equal(after.InferenceStats.Success.Count, after.InferenceStats.ComputeInfer.Count);
        Assert.True(after.InferenceStats.Success.Ns > before.InferenceStats.Success.Ns);
        Assert.True(after.InferenceStats.ComputeInfer.Ns > before.InferenceStats.ComputeInfer.Ns);
        Assert.True(after.InferenceStats.Success.Ns >= after.InferenceStats.ComputeInfer.Ns);
        Assert.True(after.LastInference > 0);

        // Only what is measured: there is no queue in front of an embedded session.
        Assert.Null(after.InferenceStats.Queue);
    }

    [Fact]
    public async Task Refused_requests_never_reach_the_model_and_are_not_counted()
    {
        var before = Single(await Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "mnist" }));
        var outOfRange = InferRequests.Typed(Enumerable.Repeat(2f, 784).ToArray());
        await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(outOfRange).ResponseAsync);

        var after = Single(await Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "mnist" }));
        Assert.Equal(before.ExecutionCount, after.ExecutionCount);
        Assert.Equal(before.InferenceStats.Fail.Count, after.InferenceStats.Fail.Count);
    }

    [Fact]
    public async Task Statistics_exist_for_served_models_only_whatever_names_callers_send()
    {
        for (var i = 0; i < 20; i++)
        {
            var ex = await Assert.ThrowsAsync<RpcException>(() => Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = $"nope-{i}" }).ResponseAsync);
            Assert.Equal(StatusCode.NotFound, ex.StatusCode);
            await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(new ModelInferRequest { ModelName = $"nope-{i}" }).ResponseAsync);
        }

        var all = await Client.ModelStatisticsAsync(new ModelStatisticsRequest());
        var only = Assert.Single(all.ModelStats);
        Assert.Equal(("mnist", "1"), (only.Name, only.Version));
    }

    [Fact]
    public async Task A_version_without_a_model_is_INVALID_ARGUMENT()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Client.ModelStatisticsAsync(new ModelStatisticsRequest { Version = "1" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
    }

    [Fact]
    public async Task RepositoryIndex_lists_the_served_models_as_READY()
    {
        foreach (var ready in new[] { false, true })
        {
            var index = await Client.RepositoryIndexAsync(new RepositoryIndexRequest { Ready = ready });
            var model = Assert.Single(index.Models);
            Assert.Equal(("mnist", "1", "READY", string.Empty), (model.Name, model.Version, model.State, model.Reason));
        }
    }

    private static ModelStatistics Single(ModelStatisticsResponse response) => Assert.Single(response.ModelStats);
}
