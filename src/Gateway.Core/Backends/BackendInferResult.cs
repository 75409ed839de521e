using NeuralSec.Detectors.Tensors;

namespace NeuralSec.Gateway.Backends;

/// <summary>The model's answer: the version that ran and its output tensors.</summary>
internal sealed record BackendInferResult(string ModelVersion, IReadOnlyList<InferenceTensor> Outputs);
