using Grpc.Core;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Tests.Integration;

/// <summary>
/// The upstream backend against a second instance of our own gateway acting as the model server (embedded ONNX
/// Runtime, the fixture classifier): answers match the model server's, metadata passes through, and when the
/// model server goes away the sidecar answers UNAVAILABLE and stops being ready.
/// </summary>
public sealed class GatewayChainTests
{
    [Fact]
    public async Task Sidecar_forwards_to_a_gateway_model_server_and_reports_its_outage()
    {
        var modelServer = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Policies:Directory"] = RepoPaths.PassThroughPolicies,
        });
        await using var sidecar = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Backend"] = "Upstream",
            ["NeuralSec:Upstream:Address"] = modelServer.Endpoints.Grpc.ToString(),
            ["NeuralSec:Upstream:ReadinessPollInterval"] = "00:00:00.100",
            ["NeuralSec:Upstream:MaxRetries"] = "1",
            ["NeuralSec:Upstream:RetryBaseDelay"] = "00:00:00.010",
            ["NeuralSec:Policies:Directory"] = RepoPaths.PassThroughPolicies,
        });

        try
        {
            var metadata = await sidecar.Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "mnist" });
            Assert.Equal([-1L, 1, 28, 28], metadata.Inputs[0].Shape);

            for (var i = 0; i < 5; i++)
            {
                var request = InferRequests.Raw(TestDigits.Image(i));
                var direct = InferRequests.Logits(await modelServer.Client.ModelInferAsync(request));
                var viaSidecar = await sidecar.Client.ModelInferAsync(request);
                Assert.Equal(direct, InferRequests.Logits(viaSidecar));
                Assert.Equal("1", viaSidecar.ModelVersion);
            }
        }
        finally
        {
            await modelServer.DisposeAsync();
        }

        var ex = await Assert.ThrowsAsync<RpcException>(() => sidecar.Client.ModelInferAsync(InferRequests.Raw(TestDigits.Image(0))).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Equal("backend_unavailable", ex.Trailers.GetValue("x-neuralsec-reason"));
        await sidecar.WaitUntilAsync(ready: false);
        Assert.False((await sidecar.Client.ServerReadyAsync(new ServerReadyRequest())).Ready);
    }
}
