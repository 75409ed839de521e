namespace NeuralSec.Gateway.Alerts.Sinks.Webhook;

/// <summary>A <c>Webhook</c> sink: batched POSTs of OCSF findings, retried, spooled to disk while the receiver is down.</summary>
internal sealed class WebhookSinkOptions : AlertSinkOptions
{
    public string? Url { get; set; }

    /// <summary>Extra request headers, e.g. <c>Authorization</c>.</summary>
    public Dictionary<string, string> Headers { get; set; } = [];

    /// <summary>Events per POST at most.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>How long a batch waits for more events after its first one.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Retries of one batch (5xx, 408, 429, network errors) before it is spooled to disk.</summary>
    public int MaxRetries { get; set; } = 3;

    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Cap of the backoff, also the probe interval while the receiver stays down.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Where undelivered batches wait, across restarts. Required: without it nothing survives an outage
    /// longer than the retries.</summary>
    public string? SpoolDirectory { get; set; }

    /// <summary>Bound of undelivered bytes on disk; when reached, new events are dropped (counted, logged).</summary>
    public long SpoolMaxBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Size at which the spool starts a new segment file; consumed segments are deleted whole.</summary>
    public long SpoolSegmentBytes { get; set; } = 4L * 1024 * 1024;
}
