namespace NeuralSec.Policy.Model;

/// <summary><c>spec.output</c>: hardening of what the model returns, against extraction.</summary>
public sealed record OutputPolicy
{
    /// <summary><c>topK</c>: keep the k largest scores, zero the rest.</summary>
    public int? TopK { get; init; }

    /// <summary><c>decimals</c>: round scores.</summary>
    public int? Decimals { get; init; }

    /// <summary><c>labelOnly</c>: answer the arg-max class only.</summary>
    public bool LabelOnly { get; init; }

    /// <summary><c>misinformBelow</c>: where a degraded answer (a stream detector's degrade) lies. Unset: never.
    /// Set: a degraded answer whose top class probability is below it names the model's least likely class
    /// instead (adaptive misinformation, Kariyappa &amp; Qureshi 2020): the uncertain, boundary-seeking queries an
    /// extraction attacker learns most from get wrong labels, confident answers stay right. Only degraded clients
    /// are affected.</summary>
    public double? MisinformBelow { get; init; }

    /// <summary><c>degradedAnswer</c>: one-hot (the default), or disguised as an ordinary answer.</summary>
    public DegradedAnswer DegradedAnswer { get; init; }
}
