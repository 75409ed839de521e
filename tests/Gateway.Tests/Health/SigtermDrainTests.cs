using System.Net;
using System.Net.Http.Json;
using NeuralSec.Gateway.Tests.Infrastructure;

namespace NeuralSec.Gateway.Tests.Health;

/// <summary>The drain through the real signal path: the built gateway in its own process gets SIGTERM, as from
/// the kubelet, reports 503 on <c>/v2/health/ready</c> while it still answers inferences, then exits 0.</summary>
public sealed class SigtermDrainTests
{
    [Fact]
    public async Task SIGTERM_reports_not_ready_serves_through_the_drain_then_exits_cleanly()
    {
        if (!ChildGateway.Supported)
        {
            return; // signals are Linux's; ShutdownDrainTests covers the same steps through StopAsync
        }

        await using var gateway = await ChildGateway.StartAsync("--NeuralSec:Server:ShutdownDrainDelay=00:00:05");
        using var http = new HttpClient { BaseAddress = gateway.Http };
        await Wait.Until(() => Status(http, "/v2/health/ready") == HttpStatusCode.OK, limit: TimeSpan.FromSeconds(60));

        gateway.Terminate();

        await Wait.Until(() => Status(http, "/v2/health/ready") == HttpStatusCode.ServiceUnavailable);
        using var infer = await http.PostAsJsonAsync(new Uri("/v2/models/mnist/infer", UriKind.Relative), new
        {
            inputs = new[] { new { name = "input", datatype = "FP32", shape = new[] { 1, 1, 28, 28 }, data = TestDigits.Image(0) } },
        });
        Assert.Equal(HttpStatusCode.OK, infer.StatusCode);
        Assert.Equal(0, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    private static HttpStatusCode? Status(HttpClient http, string path)
    {
        try
        {
            using var response = http.GetAsync(new Uri(path, UriKind.Relative)).GetAwaiter().GetResult();
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
