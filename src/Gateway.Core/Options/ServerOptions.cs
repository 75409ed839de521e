using System.ComponentModel.DataAnnotations;

namespace NeuralSec.Gateway.Options;

/// <summary>Listening endpoints, Triton's port convention by default.</summary>
internal sealed class ServerOptions
{
    /// <summary>Address to bind; <c>0.0.0.0</c> in a pod, <c>127.0.0.1</c> for a workstation or tests.</summary>
    [Required]
    public string ListenAddress { get; set; } = "0.0.0.0";

    /// <summary>Address of the metrics port alone, e.g. <c>127.0.0.1</c> so only an in-pod scraper (or a
    /// port-forward) reads the firewall's counters; unset means <see cref="ListenAddress"/>.</summary>
    public string? MetricsListenAddress { get; set; }

    /// <summary>REST v2 and HTTP health. 0 picks a free port (tests).</summary>
    [Range(0, 65535)]
    public int HttpPort { get; set; } = 8000;

    /// <summary>gRPC (HTTP/2; cleartext h2c unless a certificate is configured).</summary>
    [Range(0, 65535)]
    public int GrpcPort { get; set; } = 8001;

    /// <summary>Prometheus <c>/metrics</c>.</summary>
    [Range(0, 65535)]
    public int MetricsPort { get; set; } = 8002;

    /// <summary>PEM certificate for TLS (1.2 and 1.3 only) on the gRPC and HTTP ports; unset means cleartext.
    /// Reloaded when it changes.</summary>
    public string? TlsCertificatePath { get; set; }

    /// <summary>PEM private key matching <see cref="TlsCertificatePath"/>.</summary>
    public string? TlsKeyPath { get; set; }

    /// <summary>How often the TLS files' content is compared, as a fallback for file-system events that never
    /// come; a changed, valid pair is served to new connections without a restart.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan TlsReloadPollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest request message accepted, in bytes; larger ones are refused before they are read.</summary>
    [Range(1024, 1L << 31)]
    public int MaxReceiveMessageBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>On shutdown, how long the sidecar reports not ready while still serving, before its listeners
    /// close: the time Kubernetes needs to take a terminating pod out of its endpoints. Added to the host's
    /// shutdown timeout, so calls in flight still get all of it afterwards.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ShutdownDrainDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Serve gRPC server reflection (<c>grpc.reflection.v1alpha.ServerReflection</c>) on the gRPC port, so
    /// grpcurl-style tools work without the proto. Off by default: it describes the service to anyone who can
    /// reach the port, which a firewall should not do unasked.</summary>
    public bool EnableReflection { get; set; }

    /// <summary>Server name reported by ServerMetadata.</summary>
    [Required]
    public string Name { get; set; } = "neuralsec";
}
