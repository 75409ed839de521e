using NeuralSec.Gateway.Pipeline;
using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.Metrics;

/// <summary>
/// Label values that come from requests, bounded to what the operator configured: a caller chooses the model name
/// it asks for, and 20,000 made-up names once added 32 MB to every scrape. Anything not configured is one bucket.
/// </summary>
internal static class MetricLabels
{
    /// <summary>The label of models no policy names.</summary>
    public const string OtherModel = "_other";

    /// <summary>The label of reason codes outside the fixed set (none today; a guard for tomorrow's).</summary>
    public const string OtherReason = "other";

    public static string Model(string requested, PolicySnapshot snapshot) =>
        snapshot.NamedModels.Contains(requested) ? requested : OtherModel;

    public static string Reason(string? reason) =>
        reason is null ? "none" : ReasonCodes.IsKnown(reason) ? reason : OtherReason;
}
