using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NeuralSec.Gateway.Backends;
using NeuralSec.Gateway.Hosting;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Tests.Infrastructure;

/// <summary>
/// A real sidecar on loopback: the production host (Kestrel, gRPC, REST, metrics) on ports chosen by the OS,
/// with real clients for each port.
/// </summary>
internal sealed class GatewayServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly GrpcChannel _channel;

    private GatewayServer(WebApplication app, string? serverCertificatePath)
    {
        _app = app;
        var endpoints = app.Services.GetRequiredService<BoundEndpoints>();
        Endpoints = endpoints;
        // With TLS, the harness's own clients pin the test server's certificate; tests of TLS itself build their
        // own CA-validating clients.
        _channel = GrpcChannel.ForAddress(endpoints.Grpc, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = 64 * 1024 * 1024,
            HttpHandler = PinnedHandler(serverCertificatePath),
        });
        Client = new GRPCInferenceService.GRPCInferenceServiceClient(_channel.Intercept(new DefaultDeadline()));
        Http = new HttpClient(PinnedHandler(serverCertificatePath)) { BaseAddress = endpoints.Http };
        Metrics = new HttpClient { BaseAddress = endpoints.Metrics };
    }

    public BoundEndpoints Endpoints { get; }

    public GrpcChannel Channel => _channel;

    public GRPCInferenceService.GRPCInferenceServiceClient Client { get; }

    public HttpClient Http { get; }

    public HttpClient Metrics { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The JSON-lines alert sink's file (OCSF, one finding per line).</summary>
    public string AlertFile { get; private init; } = string.Empty;

    /// <summary>The finding raised for one request (its id is OCSF's <c>metadata.correlation_uid</c>), once it is
    /// written; findings without a request (refused reloads) are skipped.</summary>
    public async Task<System.Text.Json.JsonElement> AlertForAsync(string requestId)
    {
        System.Text.Json.JsonElement? found = null;
        await Wait.Until(() =>
        {
            found = Alerts().Cast<System.Text.Json.JsonElement?>().FirstOrDefault(a =>
                a!.Value.TryGetProperty("metadata", out var metadata)
                && metadata.TryGetProperty("correlation_uid", out var id)
                && id.GetString() == requestId);
            return found is not null;
        }).ConfigureAwait(false);
        return found!.Value;
    }

    /// <summary>The OCSF findings written so far.</summary>
    public IReadOnlyList<System.Text.Json.JsonElement> Alerts()
    {
        if (!File.Exists(AlertFile))
        {
            return [];
        }

        using var stream = new FileStream(AlertFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return lines.Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.Clone()).ToArray();
    }

    /// <summary>Starts a gateway with the given extra settings (<c>Key=Value</c>, keys under <c>NeuralSec:</c>)
    /// and, unless told otherwise, waits until its backend is ready. <paramref name="logs"/> receives its warnings
    /// and errors; <paramref name="services"/> may add to its services (a query observer under test);
    /// <paramref name="withoutAppSettings"/> leaves out the sidecar's appsettings.json (its list of models).</summary>
    public static async Task<GatewayServer> StartAsync(
        IDictionary<string, string?>? settings = null,
        bool waitUntilReady = true,
        ILoggerProvider? logs = null,
        Action<IServiceCollection>? services = null,
        bool withoutAppSettings = false)
    {
        var alertFile = Path.Combine(Path.GetTempPath(), $"neuralsec-alerts-{Guid.NewGuid():N}.jsonl");
        var all = new Dictionary<string, string?>
        {
            ["NeuralSec:Server:ListenAddress"] = "127.0.0.1",
            ["NeuralSec:Server:GrpcPort"] = "0",
            ["NeuralSec:Server:HttpPort"] = "0",
            ["NeuralSec:Server:MetricsPort"] = "0",
            ["NeuralSec:Server:ShutdownDrainDelay"] = "00:00:00",
            ["NeuralSec:OnnxRuntime:ModelRepository"] = RepoPaths.ModelRepository,
            ["NeuralSec:OnnxRuntime:IntraOpThreads"] = "1",
            ["NeuralSec:Policies:Directory"] = Path.Combine(RepoPaths.Root, "policies"),
            ["NeuralSec:Alerts:AggregationWindow"] = "00:00:00",
            ["NeuralSec:Alerts:Sinks:0:Type"] = "JsonLines",
            ["NeuralSec:Alerts:Sinks:0:Path"] = alertFile,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var app = GatewayApplication.Build([], builder =>
        {
            if (withoutAppSettings)
            {
                var sources = (IList<IConfigurationSource>)builder.Configuration.Sources;
                foreach (var json in sources.OfType<Microsoft.Extensions.Configuration.Json.JsonConfigurationSource>().ToList())
                {
                    sources.Remove(json);
                }
            }

            builder.Configuration.AddInMemoryCollection(all);
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            if (logs is not null)
            {
                builder.Logging.AddProvider(logs);
            }

            services?.Invoke(builder.Services);
        });
        await app.StartAsync().ConfigureAwait(false);
        var server = new GatewayServer(app, all.GetValueOrDefault("NeuralSec:Server:TlsCertificatePath")) { AlertFile = all["NeuralSec:Alerts:Sinks:0:Path"]! };
        if (waitUntilReady)
        {
            await server.WaitUntilAsync(ready: true).ConfigureAwait(false);
        }

        return server;
    }

    /// <summary>Stops the host as SIGTERM would (drain, then Kestrel, then the rest); disposing later is still fine.</summary>
    public Task StopAsync() => _app.StopAsync();

    public Task WaitUntilAsync(bool ready, TimeSpan? limit = null)
    {
        var readiness = _app.Services.GetRequiredService<NeuralSec.Gateway.Health.IReadinessSource>();
        var health = new Grpc.Health.V1.Health.HealthClient(_channel.Intercept(new DefaultDeadline()));
        var wanted = ready ? Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving : Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.NotServing;
        return Wait.Until(
            async () => readiness.IsReady == ready && (await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest())).Status == wanted,
            $"the gateway {(ready ? "ready" : "not ready")}",
            limit ?? TimeSpan.FromSeconds(60));
    }

    private static SocketsHttpHandler PinnedHandler(string? certificatePath)
    {
        var handler = new SocketsHttpHandler();
        if (certificatePath is not null)
        {
            var expected = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(certificatePath).GetCertHashString();
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == expected;
        }

        return handler;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Metrics.Dispose();
        _channel.Dispose();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        File.Delete(AlertFile);
    }
}
