namespace NeuralSec.Gateway.Backends;

/// <summary>What a backend says about one model: the data behind ModelMetadata and request validation.</summary>
internal sealed record ModelDescriptor(
    string Name,
    IReadOnlyList<string> Versions,
    string Platform,
    IReadOnlyList<TensorSpec> Inputs,
    IReadOnlyList<TensorSpec> Outputs)
{
    /// <summary>Largest batch the model accepts, when its config says so.</summary>
    public int? MaxBatch { get; init; }

    /// <summary>The version answered when a request names none.</summary>
    public string DefaultVersion => Versions.Count > 0 ? Versions[^1] : string.Empty;
}
