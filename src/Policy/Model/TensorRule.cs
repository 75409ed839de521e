using NeuralSec.Detectors.Tensors;

namespace NeuralSec.Policy.Model;

/// <summary>One entry of <c>spec.input.tensors</c>.</summary>
public sealed record TensorRule(string Name, TensorDataType? DataType, long[]? Shape, ValueRange? Range);
