using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Tests.Monitoring;

/// <summary>
/// A real scrape of a real sidecar: the built <c>neuralsec</c> as its own process (so the scrape holds that process's
/// series alone, not those of every gateway this test process hosts), on the shipped policies, after requests that
/// touch the main paths — answered, refused as invalid, unknown model, malformed REST body.
/// </summary>
public sealed class ScrapedSidecar : IAsyncLifetime
{
    private ChildGateway? _gateway;

    internal PrometheusScrape Scrape { get; private set; } = null!;

    public string Text { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        _gateway = await ChildGateway.StartAsync($"--NeuralSec:Policies:Directory={Path.Combine(RepoPaths.Root, "policies")}");
        using var channel = GrpcChannel.ForAddress(_gateway.Grpc);
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        await Wait.Until(async () => (await client.ServerReadyAsync(new ServerReadyRequest())).Ready, "the sidecar ready", TimeSpan.FromSeconds(60));
        for (var i = 0; i < 5; i++)
        {
            await client.ModelInferAsync(InferRequests.Raw(TestDigits.Image(i)));
        }

        await Assert.ThrowsAsync<RpcException>(async () => await client.ModelInferAsync(new ModelInferRequest { ModelName = "no-such-model" }));
        using var http = new HttpClient { BaseAddress = _gateway.Http };
        using (await http.PostAsync(new Uri("/v2/models/mnist/infer", UriKind.Relative), new StringContent("{not json", Encoding.UTF8, "application/json")))
        {
        }

        using var metrics = new HttpClient { BaseAddress = _gateway.Metrics };
        Text = await metrics.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Scrape = PrometheusScrape.Parse(Text);
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
    }
}
