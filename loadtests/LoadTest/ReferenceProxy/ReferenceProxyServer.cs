using System.Net;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.LoadTest.ReferenceProxy;

/// <summary>
/// Runs the reference proxy in this process until it is stopped: a slim ASP.NET Core host without logging providers or
/// middleware, Kestrel on 127.0.0.1 with HTTP/2 only (h2c, as gRPC without TLS is spoken), <see cref="ReferenceProxyService"/>
/// mapped, and one upstream channel set up as the load tool's own (<see cref="Target"/>): several HTTP/2 connections
/// when one's streams are all in use, connections kept for the whole run, no proxy. SIGTERM and Ctrl+C stop it (the
/// host's console lifetime).
/// </summary>
internal static class ReferenceProxyServer
{
    /// <summary>As the load tool's channels and the stand-in server allow: no message of a run comes near it.</summary>
    private const int MaxMessageSize = 64 * 1024 * 1024;

    public static async Task<int> RunAsync(ReferenceProxyOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress(options.Upstream, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                UseProxy = false,
            },
            MaxReceiveMessageSize = MaxMessageSize,
        });

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.ListenPort, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = MaxMessageSize);
        builder.Services.AddSingleton(new GRPCInferenceService.GRPCInferenceServiceClient(channel));
        await using var app = builder.Build();
        app.MapGrpcService<ReferenceProxyService>();

        await app.StartAsync(cancellationToken);
        await output.WriteLineAsync($"listening on http://127.0.0.1:{options.ListenPort}");
        await output.FlushAsync(cancellationToken);
        await app.WaitForShutdownAsync(cancellationToken);
        return 0;
    }
}
