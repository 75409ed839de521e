using System.Security.Authentication;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using NeuralSec.Gateway.Alerts;
using NeuralSec.Gateway.Backends;
using NeuralSec.Gateway.Backends.OnnxRuntime;
using NeuralSec.Gateway.Backends.Upstream;
using NeuralSec.Gateway.ClientState;
using NeuralSec.Gateway.ClientState.Redis;
using NeuralSec.Gateway.Defenses;
using NeuralSec.Gateway.QueryStream;
using NeuralSec.Gateway.FrontDoor;
using NeuralSec.Gateway.Health;
using NeuralSec.Gateway.Identity;
using NeuralSec.Gateway.Logging;
using NeuralSec.Gateway.Metrics;
using NeuralSec.Gateway.Options;
using NeuralSec.Gateway.Pipeline;
using NeuralSec.Gateway.Pipeline.Stages;
using NeuralSec.Gateway.Policy;
using NeuralSec.Gateway.Policy.Runtime;
using NeuralSec.Gateway.RateLimiting;
using NeuralSec.Gateway.Rest;
using NeuralSec.Gateway.Services;
using NeuralSec.Gateway.Tracing;
using Prometheus;
using Log = NeuralSec.Gateway.Logging.Log;

namespace NeuralSec.Gateway.Hosting;

/// <summary>Composes the sidecar: options, backend, pipeline, gRPC + REST + health + metrics on their ports.</summary>
internal static class GatewayApplication
{
    /// <summary>Builds the sidecar from command-line style configuration
    /// (<c>--NeuralSec:Backend=Upstream</c>), environment variables (<c>NeuralSec__Backend</c>) and appsettings.
    /// Throws <see cref="OptionsValidationException"/> with every configuration error at once.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        configure?.Invoke(builder);
        MetricExport.Configure();

        var options = BindAndValidate(builder.Configuration);
        builder.Services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        builder.Services.AddOptions<GatewayOptions>().Bind(builder.Configuration.GetSection(GatewayOptions.SectionName)).ValidateOnStart();

        var endpoints = new BoundEndpoints { Tls = options.Server.TlsCertificatePath is not null };
        builder.Services.AddSingleton(endpoints);
        var clientCertificates = options.Identity.ClientCaPath is { } ca ? new ClientCertificateValidator(ca) : null;
        if (options.Server is { TlsCertificatePath: { } certificatePath, TlsKeyPath: { } keyPath })
        {
            builder.Services.AddSingleton(sp => new ServerCertificateSource(
                certificatePath,
                keyPath,
                options.Server.TlsReloadPollInterval,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<ServerCertificateSource>>()));
            builder.Services.AddHostedService(sp => sp.GetRequiredService<ServerCertificateSource>());
        }

        builder.WebHost.ConfigureKestrel(kestrel => ConfigureListeners(kestrel, options, clientCertificates, endpoints));

        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = options.Server.MaxReceiveMessageBytes;
            grpc.EnableDetailedErrors = false;
        });

        builder.Services.Configure<HostOptions>(host =>
        {
            // Last line of defence: every background loop catches and logs its own failures, but should one ever
            // fault, a firewall that stops serving because a poll failed is worse than one whose poll stopped.
            host.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.Ignore;

            // The drain comes out of the host's shutdown budget; calls in flight keep the whole timeout after it.
            if (host.ShutdownTimeout != Timeout.InfiniteTimeSpan)
            {
                host.ShutdownTimeout += options.Server.ShutdownDrainDelay;
            }
        });
        builder.Services.AddSingleton<HealthServiceImpl>();
        if (options.Server.EnableReflection)
        {
            // The descriptors are named, not discovered: discovery goes by the generated BindService attribute,
            // which the inference service (bound by InferenceServiceMethods) does not carry.
            builder.Services.AddSingleton(new Grpc.Reflection.ReflectionServiceImpl(
                NeuralSec.Protocol.Inference.GRPCInferenceService.Descriptor,
                Grpc.Health.V1.Health.Descriptor,
                Grpc.Reflection.V1Alpha.ServerReflection.Descriptor));
        }

        builder.Services.AddSingleton<ShutdownState>();
        builder.Services.AddSingleton<StartupFailure>();
        builder.Services.AddHostedService<ReadinessMonitor>();
        builder.Services.AddHostedService(sp => new ShutdownDrain(
            sp.GetRequiredService<ShutdownState>(),
            sp.GetRequiredService<HealthServiceImpl>(),
            options.Server.ShutdownDrainDelay,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ShutdownDrain>>()));

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(options.Identity.ApiKeysFile is { } keys ? ApiKeyStore.Load(keys) : ApiKeyStore.Empty);
        builder.Services.AddSingleton(sp => new FailedAuthThrottle(options.Identity.FailedAuth, sp.GetRequiredService<TimeProvider>()));
        if (options.Redis.Enabled)
        {
            // Shared by every replica: budgets, sanctions, histories and the near-duplicate index.
            builder.Services.AddRedisClientState(options.Redis);
        }
        else
        {
            builder.Services.AddSingleton<IClientStateStore, InMemoryClientStateStore>();
            builder.Services.AddSingleton<IClientHistoryStore, InMemoryClientHistoryStore>();
            builder.Services.AddSingleton<INearDuplicateStore, InMemoryNearDuplicateStore>();
        }

        builder.Services.AddSingleton(FingerprintSecret.Load(options.ClientState.FingerprintSecretFile));
        builder.Services.AddSingleton<ClientRateLimiter>();
        builder.Services.AddSingleton<DefenseRegistry>();
        builder.Services.AddSingleton<DefenseRandomness>();
        builder.Services.AddSingleton<AuxiliaryModels>();
        builder.Services.AddPolicies(builder.Configuration);
        builder.Services.AddHostedService<PolicyRevisionLifecycle>();
        builder.Services.AddAlerts(builder.Configuration);
        builder.Services.AddPipelineTracing(options.Tracing);
        AddBackend(builder.Services, options.Backend);
        AddPipeline(builder.Services);

        var app = builder.Build();
        app.Use(PortRole.Enforce);
        app.UseMiddleware<GrpcFrameGuard>();
        app.MapGrpcService<InferenceGrpcService>();
        app.MapGrpcService<HealthServiceImpl>();
        if (options.Server.EnableReflection)
        {
            app.MapGrpcService<Grpc.Reflection.ReflectionServiceImpl>().WithMetadata(new GrpcPortOnlyEndpoint());
        }

        app.MapOipRest();
        app.MapMetrics("/metrics").WithMetadata(new MetricsEndpoint());

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var logger = app.Services.GetRequiredService<ILogger<InferencePipeline>>();
            var backend = app.Services.GetRequiredService<IModelBackend>();
            Log.Listening(logger, ServerInfo.Version, endpoints.Grpc.ToString(), endpoints.Http.ToString(), endpoints.Metrics.ToString(), backend.Kind);
        });
        return app;
    }

    /// <summary>Binds and validates the options before anything listens, so a bad configuration fails start-up
    /// with all its errors rather than half-starting.</summary>
    public static GatewayOptions BindAndValidate(IConfiguration configuration)
    {
        // Unknown keys and values that cannot convert first: the binder would ignore the one and stop at the other.
        var errors = ConfigurationCheck.Check(configuration);
        var options = new GatewayOptions();
        if (errors.Count == 0)
        {
            configuration.GetSection(GatewayOptions.SectionName).Bind(options);
            var result = new GatewayOptionsValidator().Validate(null, options);
            if (result.Failed)
            {
                errors.AddRange(result.Failures);
            }
        }

        if (errors.Count > 0)
        {
            throw new OptionsValidationException(GatewayOptions.SectionName, typeof(GatewayOptions), errors);
        }

        return options;
    }

    private static void AddBackend(IServiceCollection services, BackendKind kind)
    {
        switch (kind)
        {
            case BackendKind.OnnxRuntime:
                services.AddSingleton<OnnxRuntimeBackend>();
                services.AddSingleton<IModelBackend>(sp => sp.GetRequiredService<OnnxRuntimeBackend>());
                services.AddSingleton<IModelRepository>(sp => sp.GetRequiredService<OnnxRuntimeBackend>());
                services.AddHostedService(sp => sp.GetRequiredService<OnnxRuntimeBackend>());
                break;
            case BackendKind.Upstream:
                services.AddUpstreamBackend();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    /// <summary>The request path: every stage as an <see cref="IPipelineStage"/> (the pipeline orders them by
    /// <see cref="PipelineStageId"/>), the front door both transports call, and the transports' own helpers.</summary>
    private static void AddPipeline(IServiceCollection services)
    {
        services.AddSingleton<IPipelineStage, IdentityStage>();
        services.AddSingleton<IPipelineStage, PolicyStage>();
        services.AddSingleton<IPipelineStage, ValidationStage>();
        services.AddSingleton<IPipelineStage, RateLimitStage>();
        services.AddSingleton<IPipelineStage, PreprocessStage>();
        services.AddSingleton<IPipelineStage, DetectStage>();
        services.AddSingleton<IPipelineStage, DecisionStage>();
        services.AddSingleton<IPipelineStage, ForwardStage>();
        services.AddSingleton<IPipelineStage, ObserveStage>();
        services.AddSingleton<IQueryObserver, ExtractionObserver>();
        services.AddSingleton<IPipelineStage, OutputHardeningStage>();
        services.AddSingleton<IPipelineStage, AlertStage>();
        services.AddSingleton<InferencePipeline>();
        services.AddSingleton<InferenceAdmission>();
        services.AddSingleton<RequestBodyBudget>();
        services.AddSingleton<InferenceFrontDoor>();
        services.AddSingleton<IReadinessSource>(sp => sp.GetRequiredService<InferenceFrontDoor>());
        services.AddSingleton<MalformedRequests>();
        services.AddSingleton<RestBodyReader>();
        services.AddSingleton<InferenceGrpcService>();
        services.AddSingleton<Grpc.AspNetCore.Server.Model.IServiceMethodProvider<InferenceGrpcService>, InferenceServiceMethods>();
    }

    private static void ConfigureListeners(KestrelServerOptions kestrel, GatewayOptions options, ClientCertificateValidator? clientCertificates, BoundEndpoints endpoints)
    {
        var server = options.Server;
        kestrel.AddServerHeader = false;

        // Header bytes above 0x7F (obs-text, which HTTP allows) read as Latin-1. Kestrel's default refuses them, and
        // on HTTP/2 it does so with a connection error (GOAWAY): every other call on that connection — another
        // tenant's, when a mesh proxy multiplexes callers onto one connection — would die with the offending one.
        kestrel.RequestHeaderEncodingSelector = _ => System.Text.Encoding.Latin1;
        kestrel.Limits.MaxRequestBodySize = server.MaxReceiveMessageBytes;
        var address = ListenAddress.Parse(server.ListenAddress);
        var metricsAddress = ListenAddress.Parse(server.MetricsListenAddress ?? server.ListenAddress);

        // Resolved here, when Kestrel configures itself, so a bad pair fails start-up like any bad configuration.
        var certificates = endpoints.Tls ? kestrel.ApplicationServices.GetRequiredService<ServerCertificateSource>() : null;

        kestrel.Listen(address, server.GrpcPort, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            UseTls(listen, certificates, clientCertificates, options.Identity.RequireClientCertificate);
            listen.Use(PortRole.Tag(PortRole.Grpc));
            endpoints.GrpcListener = listen;
        });
        kestrel.Listen(address, server.HttpPort, listen =>
        {
            listen.Protocols = certificates is null ? HttpProtocols.Http1 : HttpProtocols.Http1AndHttp2;
            UseTls(listen, certificates, clientCertificates, options.Identity.RequireClientCertificate);
            listen.Use(PortRole.Tag(PortRole.Http));
            endpoints.HttpListener = listen;
        });
        kestrel.Listen(metricsAddress, server.MetricsPort, listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            listen.Use(PortRole.Tag(PortRole.Metrics));
            endpoints.MetricsListener = listen;
        });
    }

    private static void UseTls(ListenOptions listen, ServerCertificateSource? certificates, ClientCertificateValidator? clientCertificates, bool require)
    {
        if (certificates is null)
        {
            return;
        }

        listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            // Asked at every handshake: a reloaded pair reaches new connections without a restart.
            ServerCertificateSelector = (_, _) => certificates.Current,

            // Whatever the host's OpenSSL would still allow: TLS 1.0 and 1.1 are broken, and a base image with a
            // permissive system configuration must not make the firewall accept them.
            SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ClientCertificateMode = clientCertificates is null
                ? ClientCertificateMode.NoCertificate
                : require ? ClientCertificateMode.RequireCertificate : ClientCertificateMode.AllowCertificate,
            ClientCertificateValidation = clientCertificates is null ? null : clientCertificates.Validate,
        });
    }
}
