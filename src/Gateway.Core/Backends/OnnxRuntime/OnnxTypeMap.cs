using Microsoft.ML.OnnxRuntime.Tensors;
using NeuralSec.Detectors.Tensors;

namespace NeuralSec.Gateway.Backends.OnnxRuntime;

/// <summary>ONNX element types and their OIP datatypes.</summary>
internal static class OnnxTypeMap
{
    public static TensorDataType? ToDataType(TensorElementType type) => type switch
    {
        TensorElementType.Float => TensorDataType.FP32,
        TensorElementType.Double => TensorDataType.FP64,
        TensorElementType.Float16 => TensorDataType.FP16,
        TensorElementType.BFloat16 => TensorDataType.BF16,
        TensorElementType.Int8 => TensorDataType.Int8,
        TensorElementType.Int16 => TensorDataType.Int16,
        TensorElementType.Int32 => TensorDataType.Int32,
        TensorElementType.Int64 => TensorDataType.Int64,
        TensorElementType.UInt8 => TensorDataType.UInt8,
        TensorElementType.UInt16 => TensorDataType.UInt16,
        TensorElementType.UInt32 => TensorDataType.UInt32,
        TensorElementType.UInt64 => TensorDataType.UInt64,
        TensorElementType.Bool => TensorDataType.Bool,
        _ => null, // strings and exotic types are not served by the embedded backend
    };

    public static TensorElementType ToElementType(TensorDataType type) => type switch
    {
        TensorDataType.FP32 => TensorElementType.Float,
        TensorDataType.FP64 => TensorElementType.Double,
        TensorDataType.FP16 => TensorElementType.Float16,
        TensorDataType.BF16 => TensorElementType.BFloat16,
        TensorDataType.Int8 => TensorElementType.Int8,
        TensorDataType.Int16 => TensorElementType.Int16,
        TensorDataType.Int32 => TensorElementType.Int32,
        TensorDataType.Int64 => TensorElementType.Int64,
        TensorDataType.UInt8 => TensorElementType.UInt8,
        TensorDataType.UInt16 => TensorElementType.UInt16,
        TensorDataType.UInt32 => TensorElementType.UInt32,
        TensorDataType.UInt64 => TensorElementType.UInt64,
        TensorDataType.Bool => TensorElementType.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not supported by the embedded backend"),
    };
}
