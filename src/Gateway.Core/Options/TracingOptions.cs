using System.ComponentModel.DataAnnotations;

namespace NeuralSec.Gateway.Options;

/// <summary>OpenTelemetry traces (<c>NeuralSec:Tracing</c>): a span per request and per pipeline stage, exported over
/// OTLP to the collector a platform team already runs. Off by default; off costs one listener check per request.</summary>
internal sealed class TracingOptions
{
    public bool Enabled { get; set; }

    /// <summary>The collector: <c>http://host:4317</c> for <see cref="OtlpProtocol.Grpc"/>, or the full
    /// <c>http://host:4318/v1/traces</c> for <see cref="OtlpProtocol.HttpProtobuf"/>.</summary>
    public string OtlpEndpoint { get; set; } = "http://127.0.0.1:4317";

    public OtlpProtocol Protocol { get; set; } = OtlpProtocol.Grpc;

    /// <summary>Share of requests traced when the caller sent no sampling decision (a <c>traceparent</c>'s decision
    /// is followed): 1 traces all, 0.01 one in a hundred.</summary>
    [Range(0.0, 1.0)]
    public double SampleRatio { get; set; } = 1.0;

    /// <summary>The <c>service.name</c> resource attribute.</summary>
    [Required]
    public string ServiceName { get; set; } = "neuralsec";

    /// <summary>How often finished spans are sent in a batch.</summary>
    public TimeSpan ExportInterval { get; set; } = TimeSpan.FromSeconds(5);
}
