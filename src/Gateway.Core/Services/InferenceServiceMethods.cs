using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Services;

/// <summary>
/// Binds <c>inference.GRPCInferenceService</c> to <see cref="InferenceGrpcService"/> with
/// <see cref="TolerantMarshaller{T}"/>s instead of the generated ones, so a body that is not protobuf reaches our
/// handler as a recognisable value rather than failing inside the framework. Same service and method names as
/// the generated binding: clients see no difference.
/// </summary>
internal sealed class InferenceServiceMethods : IServiceMethodProvider<InferenceGrpcService>
{
    private static readonly string ServiceName = GRPCInferenceService.Descriptor.FullName;

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<InferenceGrpcService> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Add<ServerLiveRequest, ServerLiveResponse>(context, "ServerLive", static (s, r, c) => s.ServerLive(r, c));
        Add<ServerReadyRequest, ServerReadyResponse>(context, "ServerReady", static (s, r, c) => s.ServerReady(r, c));
        Add<ModelReadyRequest, ModelReadyResponse>(context, "ModelReady", static (s, r, c) => s.ModelReady(r, c));
        Add<ServerMetadataRequest, ServerMetadataResponse>(context, "ServerMetadata", static (s, r, c) => s.ServerMetadata(r, c));
        Add<ModelMetadataRequest, ModelMetadataResponse>(context, "ModelMetadata", static (s, r, c) => s.ModelMetadata(r, c));
        Add<ModelInferRequest, ModelInferResponse>(context, "ModelInfer", static (s, r, c) => s.ModelInfer(r, c));
        Add<ModelConfigRequest, ModelConfigResponse>(context, "ModelConfig", static (s, r, c) => s.ModelConfig(r, c));
        Add<ModelStatisticsRequest, ModelStatisticsResponse>(context, "ModelStatistics", static (s, r, c) => s.ModelStatistics(r, c));
        Add<RepositoryIndexRequest, RepositoryIndexResponse>(context, "RepositoryIndex", static (s, r, c) => s.RepositoryIndex(r, c));
    }

    private static void Add<TRequest, TResponse>(
        ServiceMethodProviderContext<InferenceGrpcService> context,
        string name,
        UnaryServerMethod<InferenceGrpcService, TRequest, TResponse> invoker)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var method = new Method<TRequest, TResponse>(MethodType.Unary, ServiceName, name, TolerantMarshaller<TRequest>.Instance, TolerantMarshaller<TResponse>.Instance);
        context.AddUnaryMethod(method, [], invoker);
    }
}
