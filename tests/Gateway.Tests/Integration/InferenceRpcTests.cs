using Grpc.Core;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Tests.Integration;

/// <summary>Every OIP v2 RPC against a real sidecar serving the fixture classifier, through a real gRPC client.</summary>
public sealed class InferenceRpcTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private GRPCInferenceService.GRPCInferenceServiceClient Client => fixture.Server.Client;

    [Fact]
    public async Task ServerLive_and_ServerReady_are_true_once_the_model_is_loaded()
    {
        Assert.True((await Client.ServerLiveAsync(new ServerLiveRequest())).Live);
        Assert.True((await Client.ServerReadyAsync(new ServerReadyRequest())).Ready);
    }

    [Fact]
    public async Task ModelReady_is_true_for_the_served_model_and_false_for_others()
    {
        Assert.True((await Client.ModelReadyAsync(new ModelReadyRequest { Name = "mnist" })).Ready);
        Assert.True((await Client.ModelReadyAsync(new ModelReadyRequest { Name = "mnist", Version = "1" })).Ready);
        Assert.False((await Client.ModelReadyAsync(new ModelReadyRequest { Name = "mnist", Version = "7" })).Ready);
        Assert.False((await Client.ModelReadyAsync(new ModelReadyRequest { Name = "resnet50" })).Ready);
    }

    [Fact]
    public async Task ServerMetadata_names_the_server()
    {
        var metadata = await Client.ServerMetadataAsync(new ServerMetadataRequest());
        Assert.Equal("neuralsec", metadata.Name);
        Assert.False(string.IsNullOrEmpty(metadata.Version));
    }

    [Fact]
    public async Task ModelMetadata_reads_the_signature_from_the_onnx_graph()
    {
        var metadata = await Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "mnist" });
        Assert.Equal("mnist", metadata.Name);
        Assert.Equal(["1"], metadata.Versions);
        Assert.Equal("onnxruntime_onnx", metadata.Platform);
        var input = Assert.Single(metadata.Inputs);
        Assert.Equal(("input", "FP32"), (input.Name, input.Datatype));
        Assert.Equal([-1L, 1, 28, 28], input.Shape);
        var output = Assert.Single(metadata.Outputs);
        Assert.Equal(("logits", "FP32"), (output.Name, output.Datatype));
        Assert.Equal([-1L, 10], output.Shape);
    }

    [Fact]
    public async Task ModelMetadata_of_an_unknown_model_is_NOT_FOUND()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "nope" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task Typed_request_gets_a_typed_answer_that_classifies_real_digits()
    {
        var images = Enumerable.Range(0, 8).Select(TestDigits.Image).ToArray();
        var call = Client.ModelInferAsync(InferRequests.Typed(images));
        var response = await call.ResponseAsync;

        Assert.Equal("mnist", response.ModelName);
        Assert.Equal("1", response.ModelVersion);
        Assert.Equal("typed-1", response.Id);
        Assert.Empty(response.RawOutputContents);
        var output = Assert.Single(response.Outputs);
        Assert.Equal("logits", output.Name);
        Assert.Equal([8L, 10], output.Shape);
        var logits = output.Contents.Fp32Contents.ToArray();
        var correct = Enumerable.Range(0, 8).Count(i => InferRequests.ArgMax(logits, i * 10) == TestDigits.Label(i));
        Assert.True(correct >= 7, $"only {correct}/8 digits classified correctly");
        Assert.Matches("^[0-9a-f]{32}$", call.GetTrailers().GetValue("x-neuralsec-request-id"));
    }

    [Fact]
    public async Task Raw_request_gets_a_raw_answer_equal_to_the_typed_one()
    {
        var image = TestDigits.Image(3);
        var typed = await Client.ModelInferAsync(InferRequests.Typed(image));
        var raw = await Client.ModelInferAsync(InferRequests.Raw(image));

        Assert.Single(raw.RawOutputContents);
        Assert.Null(raw.Outputs[0].Contents);
        Assert.Equal(InferRequests.Logits(typed), InferRequests.Logits(raw));
        Assert.Equal(TestDigits.Label(3), InferRequests.ArgMax(InferRequests.Logits(raw)));
    }

    [Fact]
    public async Task Requested_outputs_are_honoured()
    {
        var request = InferRequests.Raw(TestDigits.Image(0));
        request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "logits" });
        var response = await Client.ModelInferAsync(request);
        Assert.Equal("logits", Assert.Single(response.Outputs).Name);
    }

    [Fact]
    public async Task Unknown_model_is_NOT_FOUND_with_reason_and_request_id()
    {
        var request = InferRequests.Raw(TestDigits.Image(0));
        request.ModelName = "resnet50";
        var ex = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.Equal("model_not_found", ex.Trailers.GetValue("x-neuralsec-reason"));
        Assert.Matches("^[0-9a-f]{32}$", ex.Trailers.GetValue("x-neuralsec-request-id"));
    }

    [Fact]
    public async Task Unknown_version_is_NOT_FOUND()
    {
        var request = InferRequests.Raw(TestDigits.Image(0));
        request.ModelVersion = "9";
        var ex = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }
}
