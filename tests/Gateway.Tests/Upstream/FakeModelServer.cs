using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace NeuralSec.Gateway.Tests.Upstream;

/// <summary>A real Kestrel on 127.0.0.1, a free port, h2c, hosting <see cref="FakeInferenceService"/>.</summary>
internal sealed class FakeModelServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private FakeModelServer(WebApplication app, FakeModelServerBehavior behavior, string address)
    {
        this.app = app;
        Behavior = behavior;
        Address = address;
    }

    public FakeModelServerBehavior Behavior { get; }

    /// <summary>e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Address { get; }

    public static async Task<FakeModelServer> StartAsync()
    {
        var behavior = new FakeModelServerBehavior();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(behavior);
        var app = builder.Build();
        app.MapGrpcService<FakeInferenceService>();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new FakeModelServer(app, behavior, address);
    }

    public async ValueTask DisposeAsync()
    {
        Behavior.Release();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await app.StopAsync(limit.Token);
        await app.DisposeAsync();
    }
}
