namespace NeuralSec.Gateway.Alerts;

/// <summary>One sink under <c>NeuralSec:Alerts:Sinks</c>. The fields that apply depend on <see cref="Type"/>;
/// the validator reports the ones that are missing or out of range.</summary>
internal sealed class AlertSinkOptions
{
    public AlertSinkType Type { get; set; } = AlertSinkType.JsonLines;

    /// <summary>The <c>sink</c> label on metrics and logs; defaults to the type in lower case, suffixed with its
    /// position when two sinks share a type.</summary>
    public string? Name { get; set; }

    /// <summary>Per-sink queue; a slow sink fills its own queue and drops (counted) without holding up others.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    // --- JsonLines ---

    /// <summary><c>stdout</c> or a file path (appended to, created with its folder when missing).</summary>
    public string Path { get; set; } = "stdout";

    // --- Webhook ---

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

    /// <summary>Where undelivered batches wait, across restarts. Required for a webhook: without it nothing survives
    /// an outage longer than the retries.</summary>
    public string? SpoolDirectory { get; set; }

    /// <summary>Bound of undelivered bytes on disk; when reached, new events are dropped (counted, logged).</summary>
    public long SpoolMaxBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Size at which the spool starts a new segment file; consumed segments are deleted whole.</summary>
    public long SpoolSegmentBytes { get; set; } = 4L * 1024 * 1024;

    // --- Syslog ---

    public SyslogProtocol Protocol { get; set; } = SyslogProtocol.Udp;

    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 514;

    public AlertPayloadFormat Format { get; set; } = AlertPayloadFormat.Cef;

    /// <summary>Syslog facility (0-23); 13 is "log audit".</summary>
    public int Facility { get; set; } = 13;

    /// <summary>RFC 5424 APP-NAME.</summary>
    public string AppName { get; set; } = "neuralsec";

    /// <summary>RFC 5424 HOSTNAME; defaults to the machine name.</summary>
    public string? Hostname { get; set; }

    /// <summary>Longer messages are cut (UDP datagrams especially); counted as <c>truncated</c>.</summary>
    public int MaxMessageBytes { get; set; } = 8192;
}
