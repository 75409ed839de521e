using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace NeuralSec.LoadTest.StandIn;

/// <summary>
/// A model server that behaves like a GPU in front of which the sidecar is deployed: a fixed service time per call
/// and a fixed number of calls in service, spent waiting rather than computing (<see cref="GpuStandInService"/>).
/// On a machine without a GPU this is what makes the sidecar's door, not the cores the model would otherwise burn,
/// the bottleneck an overload run has to find. It listens on 127.0.0.1 (h2c) on a free port, in this process.
/// </summary>
internal sealed class GpuStandInServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly SemaphoreSlim slots;

    private GpuStandInServer(WebApplication app, SemaphoreSlim slots, Uri address)
    {
        this.app = app;
        this.slots = slots;
        Address = address;
    }

    /// <summary>The gRPC address, for the sidecar's <c>NeuralSec:Upstream:Address</c>.</summary>
    public Uri Address { get; }

    public static async Task<GpuStandInServer> StartAsync(string model, TimeSpan serviceTime, int slots)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        var semaphore = new SemaphoreSlim(slots);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = 64 * 1024 * 1024);
        builder.Services.AddSingleton(new GpuStandInService(model, serviceTime, semaphore));
        var app = builder.Build();
        app.MapGrpcService<GpuStandInService>();
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            semaphore.Dispose();
            throw;
        }

        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
        return new GpuStandInServer(app, semaphore, new Uri($"http://127.0.0.1:{bound.Port}"));
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        slots.Dispose();
    }
}
