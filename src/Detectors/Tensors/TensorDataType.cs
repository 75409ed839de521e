namespace NeuralSec.Detectors.Tensors;

/// <summary>The Open Inference Protocol v2 element types, independent of any wire format.</summary>
public enum TensorDataType
{
    Bool,
    UInt8,
    UInt16,
    UInt32,
    UInt64,
    Int8,
    Int16,
    Int32,
    Int64,
    FP16,
    BF16,
    FP32,
    FP64,
    Bytes,
}
