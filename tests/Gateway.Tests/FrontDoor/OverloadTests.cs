using System.Net;
using System.Net.Http.Json;
using Grpc.Core;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Gateway.Tests.Upstream;

namespace NeuralSec.Gateway.Tests.FrontDoor;

/// <summary>
/// Load shedding at the door: with the pipeline full and no place left to wait, a request is refused at once —
/// UNAVAILABLE / 503, reason <c>overloaded</c>, with a retry-after — on both transports, and one that waited the
/// longest allowed is refused the same way; once the load is gone, requests are answered again.
/// </summary>
[Collection(UpstreamMetricsCollection.Name)]
public sealed class OverloadTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task Requests_beyond_the_pipeline_and_its_queue_are_shed_at_once_then_served_again(int queue)
    {
        await using var upstream = await FakeModelServer.StartAsync();
        await using var sidecar = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Backend"] = "Upstream",
            ["NeuralSec:Upstream:Address"] = upstream.Address,
            ["NeuralSec:Upstream:AttemptTimeout"] = "00:00:30",
            ["NeuralSec:Upstream:TotalTimeout"] = "00:00:30",
            ["NeuralSec:Policies:Directory"] = RepoPaths.PassThroughPolicies,
            ["NeuralSec:Limits:MaxConcurrentInferences"] = "1",
            ["NeuralSec:Limits:MaxQueuedInferences"] = queue.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["NeuralSec:Limits:MaxQueueWait"] = "00:00:00.200",
        });
        var echo = TransportCall.Infer(FakeInferenceService.ModelName, [1, 2, 3, 4], [1, 4], tensor: "x");
        await echo.OverGrpcAsync(sidecar); // metadata cached, connections open

        upstream.Behavior.Hang();
        var holder = echo.OverGrpcAsync(sidecar);
        await Wait.Until(() => upstream.Behavior.InferCalls == 2, "the holding request at the model server");

        var grpc = await echo.OverGrpcAsync(sidecar);
        var rest = await echo.OverRestAsync(sidecar);

        Assert.Equal(((int)StatusCode.Unavailable, "overloaded", "1"), (grpc.Status, grpc.Reason, grpc.RetryAfter));
        Assert.Equal((503, "overloaded", "1"), (rest.Status, rest.Reason, rest.RetryAfter));

        upstream.Behavior.Release();
        Assert.Equal((int)StatusCode.OK, (await holder).Status);
        Assert.Equal((int)StatusCode.OK, (await echo.OverGrpcAsync(sidecar)).Status);
        Assert.Equal(200, (await echo.OverRestAsync(sidecar)).Status);
    }
}
