using System.ComponentModel.DataAnnotations;

namespace NeuralSec.Gateway.Options;

/// <summary>The upstream OIP v2 model server (Triton, KServe, MLServer) beside the sidecar, and the resilience
/// pipeline in front of it.</summary>
internal sealed class UpstreamOptions
{
    /// <summary>gRPC address of the model server, e.g. <c>http://127.0.0.1:9001</c> (h2c) or <c>https://…</c>.</summary>
    [Required]
    [Url]
    public string Address { get; set; } = "http://127.0.0.1:9001";

    /// <summary>Timeout of one attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Timeout of the whole call, retries included; the caller's own deadline wins when earlier.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Retries of transient failures (UNAVAILABLE, RESOURCE_EXHAUSTED) with jittered exponential backoff.
    /// Inference is a pure function of its input, so a retry is safe.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 2;

    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Failure ratio over <see cref="BreakerSamplingDuration"/> that opens the circuit.</summary>
    [Range(0.01, 1.0)]
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Calls needed in the sampling window before the breaker may open.</summary>
    [Range(2, 100_000)]
    public int BreakerMinimumThroughput { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the circuit stays open before one trial call is let through.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Calls in flight to the model server at once; more wait in a queue of <see cref="QueueLimit"/>.</summary>
    [Range(1, 100_000)]
    public int MaxConcurrency { get; set; } = 64;

    [Range(0, 1_000_000)]
    public int QueueLimit { get; set; } = 256;

    /// <summary>How often upstream ServerReady is polled for the sidecar's own readiness.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan ReadinessPollInterval { get; set; } = TimeSpan.FromSeconds(2);
}
