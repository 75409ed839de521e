using Grpc.Core;
using Microsoft.Extensions.Options;
using NeuralSec.Gateway.Backends;
using NeuralSec.Gateway.Options;
using NeuralSec.Gateway.Pipeline;
using NeuralSec.Gateway.Protocol;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Services;

/// <summary>
/// The OIP v2 gRPC front end (<c>inference.GRPCInferenceService</c>): metadata and health answer from the
/// backend; ModelInfer runs the full pipeline. Every answer carries the request id in a trailer, and refusals
/// carry a reason code; no exception detail leaves the process.
/// </summary>
internal sealed class InferenceGrpcService(
    InferencePipeline pipeline,
    IModelBackend backend,
    IOptions<GatewayOptions> options) : GRPCInferenceService.GRPCInferenceServiceBase
{
    private readonly GatewayOptions _options = options.Value;

    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    public override Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerReadyResponse { Ready = backend.IsReady });

    public override async Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context)
    {
        var ready = await Guard(() => backend.IsModelReadyAsync(request.Name, NullIfEmpty(request.Version), context.CancellationToken)).ConfigureAwait(false);
        return new ModelReadyResponse { Ready = ready };
    }

    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context)
    {
        var response = new ServerMetadataResponse { Name = _options.Server.Name, Version = ServerInfo.Version };
        response.Extensions.AddRange(ServerInfo.Extensions);
        return Task.FromResult(response);
    }

    public override async Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context)
    {
        var model = await Guard(() => backend.GetModelAsync(request.Name, NullIfEmpty(request.Version), context.CancellationToken)).ConfigureAwait(false)
            ?? throw RejectionStatus.ToRpcException(PipelineRejection.ModelNotFound(request.Name));
        return ModelMetadataMapper.ToResponse(model);
    }

    public override async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        var requestId = RequestIds.New();
        context.ResponseTrailers.Add(RejectionStatus.RequestIdHeader, requestId);

        var decoded = InferRequestDecoder.Decode(request, _options.Limits);
        var inference = new InferenceContext(requestId, request.ModelName, request.ModelVersion, decoded.Tensors ?? [])
        {
            CallerRequestId = request.Id,
            Protocol = "grpc",
            Encoding = request.RawInputContents.Count > 0 ? ResponseEncoding.Raw : ResponseEncoding.Typed,
            RequestedOutputs = request.Outputs.Select(o => o.Name).ToArray(),
            Headers = Headers(context.RequestHeaders),
            Deadline = context.Deadline == DateTime.MaxValue ? null : context.Deadline,
            ClientCertificate = context.GetHttpContext().Connection.ClientCertificate,
            RemoteAddress = context.GetHttpContext().Connection.RemoteIpAddress?.ToString(),
            Rejection = decoded.Rejection,
        };

        await pipeline.RunAsync(inference, context.CancellationToken).ConfigureAwait(false);
        if (inference.Rejection is { } rejection)
        {
            throw RejectionStatus.ToRpcException(rejection);
        }

        return InferResponseEncoder.Encode(inference);
    }

    private static async Task<T> Guard<T>(Func<ValueTask<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (BackendException ex)
        {
            throw RejectionStatus.ToRpcException(Pipeline.Stages.BackendFaults.ToRejection(ex));
        }
    }

    private static string? NullIfEmpty(string value) => string.IsNullOrEmpty(value) ? null : value;

    private static Dictionary<string, string> Headers(Metadata metadata)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in metadata)
        {
            if (!entry.IsBinary)
            {
                headers[entry.Key] = entry.Value;
            }
        }

        return headers;
    }
}
