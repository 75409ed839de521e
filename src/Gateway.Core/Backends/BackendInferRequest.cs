using NeuralSec.Detectors.Tensors;

namespace NeuralSec.Gateway.Backends;

/// <summary>A validated, defended request on its way to the model.</summary>
internal sealed record BackendInferRequest(
    string ModelName,
    string? ModelVersion,
    string RequestId,
    IReadOnlyList<InferenceTensor> Inputs,
    IReadOnlyList<string> RequestedOutputs)
{
    /// <summary>The caller's deadline (UTC), when its protocol carries one: an upstream call must not outlive it.</summary>
    public DateTime? Deadline { get; init; }
}
