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

    [Fact]
    public async Task A_gRPC_call_is_shed_before_its_body_is_read_when_the_door_is_full()
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
            ["NeuralSec:Limits:MaxQueuedInferences"] = "0",
        });
        var echo = TransportCall.Infer(FakeInferenceService.ModelName, [1, 2, 3, 4], [1, 4], tensor: "x");
        await echo.OverGrpcAsync(sidecar);
        upstream.Behavior.Hang();
        var holder = echo.OverGrpcAsync(sidecar);
        await Wait.Until(() => upstream.Behavior.InferCalls == 2, "the holding request at the model server");

        // A call that announces a 1,000-byte message and never sends it: only a door that sheds before reading
        // can answer it.
        using var http = new HttpClient();
        var body = new StalledContent([0, 0, 0, 3, 232]);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(sidecar.Endpoints.Grpc, "/inference.GRPCInferenceService/ModelInfer"))
        {
            Content = body,
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        using var answered = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, answered.Token);

        Assert.Equal("14", response.Headers.GetValues("grpc-status").Single()); // UNAVAILABLE, trailers-only
        Assert.Equal("overloaded", response.Headers.GetValues("x-neuralsec-reason").Single());
        Assert.Equal("1", response.Headers.GetValues("retry-after").Single());

        upstream.Behavior.Release();
        Assert.Equal((int)StatusCode.OK, (await holder).Status);
        Assert.Equal((int)StatusCode.OK, (await echo.OverGrpcAsync(sidecar)).Status);
    }

    /// <summary>Sends a few bytes, then never the rest: the answer can only come from a door that did not wait for it.</summary>
    private sealed class StalledContent(byte[] prefix) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            await stream.WriteAsync(prefix, cancellationToken);
            await stream.FlushAsync(cancellationToken);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // The call was answered (or abandoned) without the rest of its body.
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
