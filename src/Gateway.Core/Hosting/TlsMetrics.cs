using Prometheus;

namespace NeuralSec.Gateway.Hosting;

/// <summary>The TLS certificate series: reloads by result, and when the serving certificate expires, so an alert
/// can fire before a renewal that never arrived takes the listeners down.</summary>
internal static class TlsMetrics
{
    public static readonly Counter Reloads = Prometheus.Metrics.CreateCounter(
        "neuralsec_tls_certificate_reloads_total",
        "Changed TLS certificate files by result (success: serving the new pair; failure: refused, the last good one keeps serving).",
        new CounterConfiguration { LabelNames = ["result"] });

    public static readonly Gauge NotAfter = Prometheus.Metrics.CreateGauge(
        "neuralsec_tls_certificate_not_after_seconds",
        "Expiry (Unix time) of the certificate the TLS listeners serve; absent without TLS.",
        new GaugeConfiguration { SuppressInitialValue = true });
}
