using Prometheus;

namespace NeuralSec.Gateway.Policy.Runtime;

/// <summary>The reload series. An instance (not statics) so tests can give each store its own registry and
/// assert exact counts.</summary>
internal sealed class PolicyMetrics
{
    public PolicyMetrics(CollectorRegistry? registry = null)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry ?? Prometheus.Metrics.DefaultRegistry);
        Reloads = factory.CreateCounter(
            "neuralsec_policy_reloads_total",
            "Policy directory loads by result (success: swapped in; failure: refused, the last good policies keep serving).",
            new CounterConfiguration { LabelNames = ["result"] });
        Generation = factory.CreateGauge(
            "neuralsec_policy_generation",
            "Generation of the live policy snapshot; increases with every successful reload.");
    }

    public Counter Reloads { get; }

    public Gauge Generation { get; }

    public void Succeeded(long generation)
    {
        Reloads.WithLabels("success").Inc();
        Generation.Set(generation);
    }

    public void Failed() => Reloads.WithLabels("failure").Inc();
}
