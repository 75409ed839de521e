using System.Runtime.InteropServices;
using Google.Protobuf;
using Grpc.Core;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Tests.Upstream;

/// <summary>A controllable OIP v2 model server: model <c>echo</c> doubles its FP32 input <c>x</c> into <c>y</c>.</summary>
internal sealed class FakeInferenceService : GRPCInferenceService.GRPCInferenceServiceBase
{
    public const string ModelName = "echo";

    private readonly FakeModelServerBehavior behavior;

    public FakeInferenceService(FakeModelServerBehavior behavior)
    {
        this.behavior = behavior;
    }

    public override async Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context)
    {
        behavior.CountServerReady();
        await behavior.WhileHung();
        return new ServerReadyResponse { Ready = behavior.Ready };
    }

    public override async Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context)
    {
        await behavior.WhileHung();
        return request.Name == ModelName
            ? new ModelReadyResponse { Ready = behavior.Ready }
            : throw new RpcException(new Status(StatusCode.NotFound, "no such model"));
    }

    public override async Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context)
    {
        behavior.CountMetadata();
        await behavior.WhileHung();
        behavior.MaybeFail();
        if (request.Name != ModelName)
        {
            throw new RpcException(new Status(StatusCode.NotFound, "no such model"));
        }

        var response = new ModelMetadataResponse { Name = ModelName, Platform = "fake" };
        response.Versions.Add("1");
        response.Inputs.Add(new ModelMetadataResponse.Types.TensorMetadata { Name = "x", Datatype = "FP32", Shape = { -1, 4 } });
        response.Outputs.Add(new ModelMetadataResponse.Types.TensorMetadata { Name = "y", Datatype = "FP32", Shape = { -1, 4 } });
        return response;
    }

    public override async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        behavior.CountInfer();
        behavior.LastDeadline = context.Deadline;
        behavior.InferStarted.TrySetResult();
        await behavior.WhileHung();
        var delay = behavior.Delay;
        if (delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(delay, context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                behavior.InferCancelled.TrySetResult();
                throw;
            }
        }

        behavior.MaybeFail();
        if (request.ModelName != ModelName)
        {
            throw new RpcException(new Status(StatusCode.NotFound, "no such model"));
        }

        if (request.Inputs.Count != 1 || request.RawInputContents.Count != 1 || request.Inputs[0].Datatype != "FP32")
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "expected one raw FP32 input"));
        }

        var values = MemoryMarshal.Cast<byte, float>(request.RawInputContents[0].Span).ToArray();
        for (var i = 0; i < values.Length; i++)
        {
            values[i] *= 2;
        }

        var response = new ModelInferResponse { ModelName = ModelName, ModelVersion = "1", Id = request.Id };
        var output = new ModelInferResponse.Types.InferOutputTensor { Name = "y", Datatype = "FP32" };
        output.Shape.AddRange(request.Inputs[0].Shape);
        response.Outputs.Add(output);
        switch (behavior.ResponseMode)
        {
            case FakeResponseMode.Typed:
                output.Contents = new InferTensorContents();
                output.Contents.Fp32Contents.AddRange(values);
                break;
            case FakeResponseMode.Malformed:
                // One element short of what the shape promises.
                response.RawOutputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan(1))));
                break;
            default:
                response.RawOutputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())));
                break;
        }

        return response;
    }
}
