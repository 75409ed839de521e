using System.ComponentModel.DataAnnotations;

namespace NeuralSec.Gateway.Options;

/// <summary>The sidecar's configuration, bound from the <c>NeuralSec</c> section (appsettings, environment
/// variables such as <c>NeuralSec__Backend=Upstream</c>, or command-line switches) and validated at start-up.</summary>
internal sealed class GatewayOptions
{
    public const string SectionName = "NeuralSec";

    [Required]
    public ServerOptions Server { get; set; } = new();

    public BackendKind Backend { get; set; } = BackendKind.OnnxRuntime;

    [Required]
    public OnnxRuntimeOptions OnnxRuntime { get; set; } = new();

    [Required]
    public UpstreamOptions Upstream { get; set; } = new();

    [Required]
    public LimitsOptions Limits { get; set; } = new();

    [Required]
    public IdentityOptions Identity { get; set; } = new();

    [Required]
    public DefenseOptions Defenses { get; set; } = new();

    [Required]
    public ClientState.ClientStateOptions ClientState { get; set; } = new();

    /// <summary><c>NeuralSec:Redis</c>: client state shared by all replicas; without a configuration, in memory.</summary>
    [Required]
    public ClientState.Redis.RedisOptions Redis { get; set; } = new();

    /// <summary>OpenTelemetry traces of the pipeline; off by default.</summary>
    [Required]
    public TracingOptions Tracing { get; set; } = new();
}
