using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.Backends;

namespace NeuralSec.Gateway.Policy.Model;

/// <summary>One entry of <c>spec.input.tensors</c>.</summary>
internal sealed record TensorRule(string Name, TensorDataType? DataType, long[]? Shape, ValueRange? Range);
