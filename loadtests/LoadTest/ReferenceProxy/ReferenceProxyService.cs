using Grpc.Core;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.LoadTest.ReferenceProxy;

/// <summary>
/// The OIP v2 service of the reference proxy: each call is parsed into its message (by the generated server code),
/// sent to the model server with the generated client, and the parsed answer returned — the work any .NET gRPC proxy
/// does, and nothing of NeuralSec's. The caller's deadline and cancellation go along; an upstream error comes back
/// as the same status (the RpcException the client throws is the server's answer). Only the calls the load tool
/// makes are forwarded: ModelInfer, its metadata fetch and its readiness probe.
/// </summary>
internal sealed class ReferenceProxyService(GRPCInferenceService.GRPCInferenceServiceClient upstream) : GRPCInferenceService.GRPCInferenceServiceBase
{
    public override async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        using var call = upstream.ModelInferAsync(request, deadline: context.Deadline, cancellationToken: context.CancellationToken);
        return await call.ResponseAsync;
    }

    public override async Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context)
    {
        using var call = upstream.ModelMetadataAsync(request, deadline: context.Deadline, cancellationToken: context.CancellationToken);
        return await call.ResponseAsync;
    }

    public override async Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context)
    {
        using var call = upstream.ServerReadyAsync(request, deadline: context.Deadline, cancellationToken: context.CancellationToken);
        return await call.ResponseAsync;
    }
}
