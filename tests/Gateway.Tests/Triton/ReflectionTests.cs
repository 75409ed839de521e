using Grpc.Core;
using Grpc.Reflection.V1Alpha;
using NeuralSec.Gateway.Tests.Infrastructure;

namespace NeuralSec.Gateway.Tests.Triton;

/// <summary>gRPC server reflection with a real reflection client: on when asked for, describing the inference
/// service from its compiled proto; UNIMPLEMENTED by default.</summary>
public sealed class ReflectionTests
{
    [Fact]
    public async Task With_reflection_on_the_services_and_the_inference_proto_are_described()
    {
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Server:EnableReflection"] = "true",
            ["NeuralSec:Policies:Directory"] = RepoPaths.PassThroughPolicies,
        });
        var client = new ServerReflection.ServerReflectionClient(server.Channel);

        var services = await Ask(client, new ServerReflectionRequest { ListServices = string.Empty });
        var names = services.ListServicesResponse.Service.Select(s => s.Name).ToArray();
        Assert.Contains("inference.GRPCInferenceService", names);
        Assert.Contains("grpc.health.v1.Health", names);

        var file = await Ask(client, new ServerReflectionRequest { FileContainingSymbol = "inference.GRPCInferenceService" });
        var descriptor = Google.Protobuf.Reflection.FileDescriptorProto.Parser.ParseFrom(file.FileDescriptorResponse.FileDescriptorProto[0]);
        var service = Assert.Single(descriptor.Service, s => s.Name == "GRPCInferenceService");
        var methods = service.Method.Select(m => m.Name).ToArray();
        Assert.Contains("ModelInfer", methods);
        Assert.Contains("ModelConfig", methods);
        Assert.Contains("RepositoryIndex", methods);
    }

    [Fact]
    public async Task By_default_reflection_is_UNIMPLEMENTED()
    {
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Policies:Directory"] = RepoPaths.PassThroughPolicies,
        });
        var client = new ServerReflection.ServerReflectionClient(server.Channel);

        var ex = await Assert.ThrowsAsync<RpcException>(() => Ask(client, new ServerReflectionRequest { ListServices = string.Empty }));
        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
    }

    private static async Task<ServerReflectionResponse> Ask(ServerReflection.ServerReflectionClient client, ServerReflectionRequest request)
    {
        using var call = client.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(request);
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        return call.ResponseStream.Current;
    }
}
