namespace NeuralSec.Policy.Model;

/// <summary><c>spec.input.image</c>: the image input and its scaling as the model sees it.</summary>
public sealed record ImageInputPolicy(string Tensor)
{
    /// <summary>True for NHWC, false for NCHW.</summary>
    public bool Nhwc { get; init; }

    /// <summary>[min, max] of a pixel before standardisation.</summary>
    public IReadOnlyList<double> Range { get; init; } = [0, 1];

    public IReadOnlyList<double> Mean { get; init; } = [];

    public IReadOnlyList<double> Std { get; init; } = [];
}
