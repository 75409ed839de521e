using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Tests.Triton;

/// <summary>
/// "Forwarded unchanged": a Triton answers ModelConfig with fields our proto subset does not declare; they reach the
/// caller through the sidecar byte for byte, so a Triton client sees everything its server said.
/// </summary>
[Collection(Upstream.UpstreamMetricsCollection.Name)]
public sealed class TritonPassThroughTests
{
    /// <summary>Triton's <c>ModelConfig.default_model_filename</c> (field 8) and an <c>instance_group</c> (field 7,
    /// <c>{count: 2}</c>), neither in our subset.</summary>
    private static readonly byte[] TritonOnlyFields = [0x42, 0x0a, .. "model.plan"u8, 0x3a, 0x02, 0x10, 0x02];

    [Fact]
    public async Task Fields_outside_our_subset_pass_through_the_sidecar()
    {
        await using var triton = await TritonLike.StartAsync();
        await using var sidecar = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Backend"] = "Upstream",
            ["NeuralSec:Upstream:Address"] = triton.Address,
            ["NeuralSec:Upstream:ReadinessPollInterval"] = "00:00:00.050",
            ["NeuralSec:Policies:Directory"] = RepoPaths.PassThroughPolicies,
        });

        var response = await sidecar.Client.ModelConfigAsync(new ModelConfigRequest { Name = "plan" });

        Assert.Equal("plan", response.Config.Name);
        Assert.Equal(TritonLike.Config(), response.Config);
        var bytes = response.Config.ToByteArray();
        Assert.True(bytes.AsSpan().IndexOf(TritonOnlyFields) >= 0, "Triton's own fields were dropped");
    }

    private sealed class TritonLike : GRPCInferenceService.GRPCInferenceServiceBase, IAsyncDisposable
    {
        private WebApplication? app;

        public string Address { get; private set; } = string.Empty;

        /// <summary>What a Triton would send: our fields plus its own, parsed as our subset (the rest kept unknown).</summary>
        public static NeuralSec.Protocol.Inference.ModelConfig Config() =>
            NeuralSec.Protocol.Inference.ModelConfig.Parser.ParseFrom([.. new NeuralSec.Protocol.Inference.ModelConfig { Name = "plan", Platform = "tensorrt_plan", MaxBatchSize = 8 }.ToByteArray(), .. TritonOnlyFields]);

        public static async Task<TritonLike> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
            builder.Services.AddGrpc();
            var server = new TritonLike();
            builder.Services.AddSingleton(server);
            var app = builder.Build();
            app.MapGrpcService<TritonLike>();
            await app.StartAsync();
            server.app = app;
            server.Address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            return server;
        }

        public override Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
            Task.FromResult(new ServerReadyResponse { Ready = true });

        public override Task<ModelConfigResponse> ModelConfig(ModelConfigRequest request, ServerCallContext context) =>
            request.Name == "plan"
                ? Task.FromResult(new ModelConfigResponse { Config = Config() })
                : throw new RpcException(new Status(StatusCode.NotFound, "no such model"));

        public async ValueTask DisposeAsync()
        {
            if (app is not null)
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }
    }
}
