using Grpc.Core;
using Microsoft.Extensions.Options;
using NeuralSec.Gateway.FrontDoor;
using NeuralSec.Gateway.Logging;
using NeuralSec.Gateway.Options;
using NeuralSec.Gateway.Pipeline;
using NeuralSec.Gateway.Protocol;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Services;

/// <summary>
/// The OIP v2 gRPC adapter (<c>inference.GRPCInferenceService</c>, bound by <see cref="InferenceServiceMethods"/>):
/// decodes each call into the <see cref="InferenceFrontDoor"/>'s terms and writes its answer back. Every answer
/// carries the request id in a trailer; refusals carry a reason code; no exception detail leaves the process.
/// </summary>
internal sealed class InferenceGrpcService(
    InferenceFrontDoor frontDoor,
    IOptions<GatewayOptions> options,
    MalformedRequests malformed)
{
    private readonly LimitsOptions _limits = options.Value.Limits;

    public Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context)
    {
        Answer(context);
        return Task.FromResult(new ServerLiveResponse { Live = frontDoor.IsLive });
    }

    public Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context)
    {
        Answer(context);
        return Task.FromResult(new ServerReadyResponse { Ready = frontDoor.IsReady });
    }

    public async Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context)
    {
        var requestId = Answer(context);
        Refuse(requestId, request);
        var ready = Unwrap(await frontDoor.ModelReadyAsync(request.Name, request.Version, context.CancellationToken).ConfigureAwait(false));
        return new ModelReadyResponse { Ready = ready };
    }

    public Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context)
    {
        Answer(context);
        var response = new ServerMetadataResponse { Name = frontDoor.ServerName, Version = frontDoor.ServerVersion };
        response.Extensions.AddRange(frontDoor.Extensions);
        return Task.FromResult(response);
    }

    public async Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context)
    {
        var requestId = Answer(context);
        Refuse(requestId, request);
        var model = Unwrap(await frontDoor.ModelMetadataAsync(request.Name, request.Version, context.CancellationToken).ConfigureAwait(false));
        return ModelMetadataMapper.ToResponse(model!);
    }

    public async Task<ModelConfigResponse> ModelConfig(ModelConfigRequest request, ServerCallContext context)
    {
        var requestId = Answer(context);
        Refuse(requestId, request);
        return Unwrap(await frontDoor.ModelConfigAsync(request.Name, request.Version, context.CancellationToken).ConfigureAwait(false));
    }

    public async Task<ModelStatisticsResponse> ModelStatistics(ModelStatisticsRequest request, ServerCallContext context)
    {
        var requestId = Answer(context);
        Refuse(requestId, request);
        return Unwrap(await frontDoor.ModelStatisticsAsync(request.Name, request.Version, context.CancellationToken).ConfigureAwait(false));
    }

    public async Task<RepositoryIndexResponse> RepositoryIndex(RepositoryIndexRequest request, ServerCallContext context)
    {
        var requestId = Answer(context);
        Refuse(requestId, request);
        return Unwrap(await frontDoor.RepositoryIndexAsync(request.RepositoryName, request.Ready, context.CancellationToken).ConfigureAwait(false));
    }

    public async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        var requestId = Answer(context);
        Refuse(requestId, request);

        var http = context.GetHttpContext();
        var inference = await frontDoor.InferAsync(requestId, request.ModelName, _ => ValueTask.FromResult(Decode(requestId, request, context, http)), context.CancellationToken).ConfigureAwait(false);

        return inference.Rejection is { } rejection
            ? throw RejectionStatus.ToRpcException(rejection)
            : InferResponseEncoder.Encode(inference);
    }

    private InferenceRequest Decode(string requestId, ModelInferRequest request, ServerCallContext context, Microsoft.AspNetCore.Http.HttpContext http)
    {
        var decoded = InferRequestDecoder.Decode(request, _limits);
        return new InferenceRequest
        {
            RequestId = requestId,
            ModelName = request.ModelName,
            ModelVersion = string.IsNullOrEmpty(request.ModelVersion) ? null : request.ModelVersion,
            Inputs = decoded.Tensors ?? [],
            DecodeRejection = decoded.Rejection,
            CallerRequestId = request.Id,
            Protocol = "grpc",
            Encoding = request.RawInputContents.Count > 0 ? ResponseEncoding.Raw : ResponseEncoding.Typed,
            RequestedOutputs = request.Outputs.Select(o => o.Name).ToArray(),
            Headers = CallerHeaders.Of(http.Request.Headers),
            Deadline = context.Deadline == DateTime.MaxValue ? null : context.Deadline,
            ClientCertificate = http.Connection.ClientCertificate,
            RemoteAddress = http.Connection.RemoteIpAddress?.ToString(),
        };
    }

    /// <summary>Every answer, success or refusal, carries the sidecar's request id.</summary>
    private static string Answer(ServerCallContext context)
    {
        var requestId = RequestIds.New();
        context.ResponseTrailers.Add(RejectionStatus.RequestIdHeader, requestId);
        return requestId;
    }

    /// <summary>Refuses a body that did not parse as the call's message.</summary>
    private void Refuse<T>(string requestId, T request)
        where T : class, Google.Protobuf.IMessage<T>, new()
    {
        if (TolerantMarshaller<T>.IsMalformed(request))
        {
            throw RejectionStatus.ToRpcException(malformed.Refuse("grpc", requestId, $"the request body is not a valid {typeof(T).Name}"));
        }
    }

    private static T Unwrap<T>(FrontDoorResult<T> result) =>
        result.Rejection is { } rejection ? throw RejectionStatus.ToRpcException(rejection) : result.Value!;
}
