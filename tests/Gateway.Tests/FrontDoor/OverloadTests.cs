using System.Net;
using System.Net.Http.Json;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using NeuralSec.Gateway.FrontDoor;
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

    [Fact]
    public async Task Calls_whose_bodies_would_pass_the_memory_budget_are_shed_then_served_once_it_is_free()
    {
        await using var sidecar = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Policies:Directory"] = RepoPaths.PassThroughPolicies,
            ["NeuralSec:Limits:MaxRequestBodyBytesInFlight"] = (1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var digit = InferRequests.Raw(TestDigits.Image(0));
        Assert.Single((await sidecar.Client.ModelInferAsync(digit)).Outputs);

        // A call that declares a 1,048,000-byte message and sends it slowly (above Kestrel's minimum data rate, so it
        // is not ended as too slow): from its first five bytes it holds nearly the whole 1 MiB budget.
        using var http = new HttpClient();
        using var stop = new CancellationTokenSource();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(sidecar.Endpoints.Grpc, "/inference.GRPCInferenceService/ModelInfer"))
        {
            Content = new StalledContent([0, 0x00, 0x0F, 0xFD, 0xC0], trickle: 256),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        var holder = http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token);
        try
        {
            // First the holder's prefix in and its declared length held: a digit asked before that could hold its own
            // 3 KB at the moment the prefix arrives, and then the holder is the call shed (and nothing after it).
            var budget = sidecar.Services.GetRequiredService<RequestBodyBudget>();
            await Wait.Until(async () => holder.IsCompleted
                ? throw new InvalidOperationException($"the holding call ended before it held the budget: {await Ended(holder)}")
                : budget.Held >= 1_048_005, "the holding call's declared length held");

            // An ordinary 3 KB digit no longer fits beside it.
            RpcException? shed = null;
            await Wait.Until(async () =>
            {
                if (holder.IsCompleted)
                {
                    // Nothing could be shed for it any more: say how it ended rather than time out.
                    throw new InvalidOperationException($"the holding call ended before a digit was shed: {await Ended(holder)}");
                }

                try
                {
                    await sidecar.Client.ModelInferAsync(digit);
                    return false;
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable)
                {
                    shed = ex;
                    return true;
                }
            }, "a call shed while another holds the body budget");

            Assert.Equal("overloaded", shed!.Trailers.GetValue("x-neuralsec-reason"));
            Assert.Equal("1", shed.Trailers.GetValue("retry-after"));
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                (await holder).Dispose();
            }
            catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException)
            {
                // Abandoned on purpose: what it held must come back.
            }
        }

        // Once the holder is gone its bytes are given back: the same digit is answered (bounded wait for the
        // server to see the reset).
        await Wait.Until(async () =>
        {
            try
            {
                return (await sidecar.Client.ModelInferAsync(digit)).Outputs.Count == 1;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable)
            {
                return false;
            }
        }, "the budget given back after the holding call ended");
    }

    /// <summary>How a call that should still be running ended: its status and reason, or its exception.</summary>
    private static async Task<string> Ended(Task<HttpResponseMessage> call)
    {
        try
        {
            using var response = await call;
            return $"HTTP {(int)response.StatusCode}, grpc-status {string.Join(",", response.Headers.TryGetValues("grpc-status", out var status) ? status : [])}, reason {string.Join(",", response.Headers.TryGetValues("x-neuralsec-reason", out var reason) ? reason : [])}";
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            return $"{ex.GetType().Name}: {ex.Message}";
        }
    }

    /// <summary>Sends a few bytes, then never the rest (or, with <paramref name="trickle"/>, that many spaces every
    /// 100 ms until the call is cancelled): the answer can only come from a door that did not wait for the body.</summary>
    private sealed class StalledContent(byte[] prefix, int trickle = 0) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            await stream.WriteAsync(prefix, cancellationToken);
            await stream.FlushAsync(cancellationToken);
            try
            {
                if (trickle == 0)
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }

                var chunk = new byte[trickle];
                while (true)
                {
                    await Task.Delay(100, cancellationToken);
                    await stream.WriteAsync(chunk, cancellationToken);
                    await stream.FlushAsync(cancellationToken);
                }
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
