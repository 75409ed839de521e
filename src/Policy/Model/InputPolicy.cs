namespace NeuralSec.Policy.Model;

/// <summary><c>spec.input</c>: constraints on top of the model's own signature.</summary>
public sealed record InputPolicy
{
    public IReadOnlyList<TensorRule> Tensors { get; init; } = [];

    /// <summary><c>image</c>: which input the preprocessing defenses and detectors work on.</summary>
    public ImageInputPolicy? Image { get; init; }

    /// <summary><c>maxBatch</c>: may only lower the sidecar's limit.</summary>
    public int? MaxBatch { get; init; }
}
