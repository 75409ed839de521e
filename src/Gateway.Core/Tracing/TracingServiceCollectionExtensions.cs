using NeuralSec.Gateway.Options;
using NeuralSec.Gateway.Services;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace NeuralSec.Gateway.Tracing;

/// <summary>Registers OpenTelemetry tracing when <c>NeuralSec:Tracing:Enabled</c>: the pipeline's spans under the
/// incoming request's server span (ASP.NET Core, which also continues a caller's <c>traceparent</c>), the client
/// spans of calls to an upstream model server (HttpClient, which passes the trace on to Triton), exported over OTLP
/// in batches.</summary>
internal static class TracingServiceCollectionExtensions
{
    public static IServiceCollection AddPipelineTracing(this IServiceCollection services, TracingOptions options)
    {
        if (!options.Enabled)
        {
            return services;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName, serviceVersion: ServerInfo.Version))
            .WithTracing(tracing => tracing
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.SampleRatio)))
                .AddSource(PipelineTracing.SourceName)
                .AddAspNetCoreInstrumentation(aspNetCore =>
                {
                    // The scrape and the probes are not requests anyone wants to trace.
                    aspNetCore.Filter = http => !http.Request.Path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase)
                        && !http.Request.Path.StartsWithSegments("/v2/health", StringComparison.OrdinalIgnoreCase)
                        && !http.Request.Path.StartsWithSegments("/grpc.health.v1.Health", StringComparison.Ordinal);
                })
                .AddHttpClientInstrumentation()
                .AddOtlpExporter(otlp =>
                {
                    otlp.Endpoint = new Uri(options.OtlpEndpoint);
                    otlp.Protocol = options.Protocol == OtlpProtocol.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                    otlp.ExportProcessorType = ExportProcessorType.Batch;
                    otlp.BatchExportProcessorOptions = new BatchExportActivityProcessorOptions
                    {
                        ScheduledDelayMilliseconds = (int)options.ExportInterval.TotalMilliseconds,
                    };
                }));
        return services;
    }
}
