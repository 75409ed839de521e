namespace NeuralSec.Gateway.Alerts;

/// <summary>The SOC alert pipeline, bound from <c>NeuralSec:Alerts</c> and validated at start-up
/// (<see cref="AlertOptionsValidator"/>). With no sink configured, alerts go to stdout as OCSF JSON lines.</summary>
internal sealed class AlertOptions
{
    public const string SectionName = "NeuralSec:Alerts";

    /// <summary>False turns the pipeline into a sink-less counter: alerts are accepted and discarded.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Flood aggregation window per <see cref="AlertEvent.AggregationKey"/>; zero disables aggregation.
    /// The first occurrence of a key goes out at once; later ones within the window are folded into one event
    /// with a count, emitted when the window ends (see docs/alerts.md).</summary>
    public TimeSpan AggregationWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Keys tracked at once; beyond it, new keys pass through unaggregated rather than grow memory.</summary>
    public int MaxAggregationKeys { get; set; } = 10_000;

    /// <summary>Capacity of the publish queue in front of the aggregator; a full queue drops (counted, logged).</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>How long a stop waits for sinks to drain before the webhook spools what is left and others drop it.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Product version written into OCSF <c>metadata.product.version</c> and the CEF header; defaults to the
    /// assembly's informational version.</summary>
    public string? ProductVersion { get; set; }

    /// <summary>The sinks, all fed at once. Empty means one JSON-lines sink to stdout.</summary>
    public List<AlertSinkOptions> Sinks { get; set; } = [];
}
