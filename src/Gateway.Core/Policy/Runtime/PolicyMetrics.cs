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
        LastLoadSuccessful = factory.CreateGauge(
            "neuralsec_policy_last_load_successful",
            "1 when the last load of the policy directory was swapped in, 0 when it was refused (the last good policies keep serving until the files are fixed).");
    }

    public Counter Reloads { get; }

    public Gauge Generation { get; }

    /// <summary>The state an alert can hold on: a refused reload stays visible until a good one follows, where the
    /// counter's increase would fade out of the rule's window while the bad files are still there.</summary>
    public Gauge LastLoadSuccessful { get; }

    public void Succeeded(long generation)
    {
        Reloads.WithLabels("success").Inc();
        Generation.Set(generation);
        LastLoadSuccessful.Set(1);
    }

    public void Failed()
    {
        Reloads.WithLabels("failure").Inc();
        LastLoadSuccessful.Set(0);
    }
}
