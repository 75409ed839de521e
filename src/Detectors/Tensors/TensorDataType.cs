namespace NeuralSec.Detectors.Tensors;

/// <summary>The Open Inference Protocol v2 element types, independent of any wire format.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The members are the protocol's own datatype names (INT32, UINT8, ...).")]
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
