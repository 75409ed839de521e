using Prometheus;

namespace NeuralSec.Gateway.Alerts;

/// <summary>The alert pipeline's Prometheus series: sink health and backlog, so a SOC feed that silently stopped
/// shows up on a dashboard before anyone misses an alert.</summary>
internal static class AlertMetrics
{
    /// <summary>Events per sink and result: <c>delivered</c>, <c>retried</c> (a failed attempt that will be tried
    /// again), <c>spooled</c> (written to disk after the retries), <c>dropped</c>.</summary>
    public static readonly Counter Alerts = Prometheus.Metrics.CreateCounter(
        "neuralsec_alerts_total",
        "Alert events handled by each sink, by result (delivered, retried, spooled, dropped).",
        new CounterConfiguration { LabelNames = ["sink", "result"] });

    /// <summary>Why events were lost: <c>queue_full</c>, <c>sink_queue_full</c>, <c>spool_full</c>, <c>rejected</c>
    /// (a 4xx the receiver will never accept), <c>send_failed</c> (syslog gave up), <c>stopped</c>.</summary>
    public static readonly Counter Dropped = Prometheus.Metrics.CreateCounter(
        "neuralsec_alerts_dropped_total",
        "Alert events lost, by reason.",
        new CounterConfiguration { LabelNames = ["reason"] });

    public static readonly Counter Aggregated = Prometheus.Metrics.CreateCounter(
        "neuralsec_alerts_aggregated_total",
        "Occurrences folded into an aggregated alert instead of being sent one by one.");

    public static readonly Gauge Backlog = Prometheus.Metrics.CreateGauge(
        "neuralsec_alert_backlog",
        "Alert events waiting for a sink: its in-memory queue plus, for a webhook, its disk spool.",
        new GaugeConfiguration { LabelNames = ["sink"] });

    public static readonly Gauge SpoolBytes = Prometheus.Metrics.CreateGauge(
        "neuralsec_alert_spool_bytes",
        "Undelivered bytes in a webhook sink's disk spool.",
        new GaugeConfiguration { LabelNames = ["sink"] });

    public static readonly Gauge SinkUp = Prometheus.Metrics.CreateGauge(
        "neuralsec_alert_sink_up",
        "1 when the sink's last delivery succeeded, 0 while it is failing.",
        new GaugeConfiguration { LabelNames = ["sink"] });
}
