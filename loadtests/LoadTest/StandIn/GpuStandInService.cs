using Grpc.Core;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.LoadTest.StandIn;

/// <summary>
/// The OIP v2 service of <see cref="GpuStandInServer"/>: one model, shaped like the MNIST fixture (input
/// <c>input</c> FP32 [-1, 1, 28, 28], output <c>logits</c> FP32 [-1, 10]), that answers each call after a fixed
/// service time with at most <c>slots</c> calls in service at once and the rest waiting in order — a GPU's
/// execution streams — while spending almost no CPU, so the machine's cores stay with the sidecar and the load.
/// </summary>
internal sealed class GpuStandInService(string model, TimeSpan serviceTime, SemaphoreSlim slots) : GRPCInferenceService.GRPCInferenceServiceBase
{
    private const int Classes = 10;

    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    public override Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerReadyResponse { Ready = true });

    public override Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ModelReadyResponse { Ready = request.Name == model });

    public override Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context)
    {
        NotFoundUnless(request.Name);
        var response = new ModelMetadataResponse { Name = model, Platform = "gpu-standin" };
        response.Versions.Add("1");
        response.Inputs.Add(new ModelMetadataResponse.Types.TensorMetadata { Name = "input", Datatype = "FP32", Shape = { -1, 1, 28, 28 } });
        response.Outputs.Add(new ModelMetadataResponse.Types.TensorMetadata { Name = "logits", Datatype = "FP32", Shape = { -1, Classes } });
        return Task.FromResult(response);
    }

    public override async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        NotFoundUnless(request.ModelName);
        var batch = request.Inputs.Count == 1 && request.Inputs[0].Shape.Count > 0 ? request.Inputs[0].Shape[0] : 1;
        await slots.WaitAsync(context.CancellationToken);
        try
        {
            await Task.Delay(serviceTime, context.CancellationToken);
        }
        finally
        {
            slots.Release();
        }

        var response = new ModelInferResponse { ModelName = model, ModelVersion = "1", Id = request.Id };
        var output = new ModelInferResponse.Types.InferOutputTensor { Name = "logits", Datatype = "FP32", Shape = { batch, Classes } };
        response.Outputs.Add(output);
        response.RawOutputContents.Add(Google.Protobuf.ByteString.CopyFrom(new byte[checked((int)batch * Classes * sizeof(float))]));
        return response;
    }

    private void NotFoundUnless(string name)
    {
        if (name != model)
        {
            throw new RpcException(new Status(StatusCode.NotFound, "no such model"));
        }
    }
}
