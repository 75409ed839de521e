namespace NeuralSec.Detectors.Tensors;

/// <summary>The closed interval a tensor's values must lie in, e.g. [0, 1] for normalised pixels.</summary>
public sealed record ValueRange(double Min, double Max)
{
    public bool Contains(double value) => value >= Min && value <= Max;

    public override string ToString() => $"[{Min}, {Max}]";
}
