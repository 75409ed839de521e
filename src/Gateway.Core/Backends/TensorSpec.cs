using NeuralSec.Detectors.Tensors;

namespace NeuralSec.Gateway.Backends;

/// <summary>A declared tensor: name, datatype and shape, where -1 is a variable dimension; optionally the range
/// its values must lie in (from the model repository's config).</summary>
internal sealed record TensorSpec(string Name, TensorDataType DataType, long[] Shape, ValueRange? Range = null);
