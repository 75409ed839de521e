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
}
