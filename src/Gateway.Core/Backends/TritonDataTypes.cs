using NeuralSec.Detectors.Tensors;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Backends;

/// <summary>OIP datatypes as Triton's model-configuration <see cref="DataType"/> (<c>FP32</c> → <c>TYPE_FP32</c>;
/// BYTES is Triton's <c>TYPE_STRING</c>).</summary>
internal static class TritonDataTypes
{
    public static DataType ToConfig(TensorDataType type) => type switch
    {
        TensorDataType.Bool => DataType.TypeBool,
        TensorDataType.UInt8 => DataType.TypeUint8,
        TensorDataType.UInt16 => DataType.TypeUint16,
        TensorDataType.UInt32 => DataType.TypeUint32,
        TensorDataType.UInt64 => DataType.TypeUint64,
        TensorDataType.Int8 => DataType.TypeInt8,
        TensorDataType.Int16 => DataType.TypeInt16,
        TensorDataType.Int32 => DataType.TypeInt32,
        TensorDataType.Int64 => DataType.TypeInt64,
        TensorDataType.FP16 => DataType.TypeFp16,
        TensorDataType.BF16 => DataType.TypeBf16,
        TensorDataType.FP32 => DataType.TypeFp32,
        TensorDataType.FP64 => DataType.TypeFp64,
        TensorDataType.Bytes => DataType.TypeString,
        _ => DataType.TypeInvalid,
    };

    /// <summary>The enum's name as Triton's JSON writes it (<c>TYPE_FP32</c>).</summary>
    public static string ConfigName(DataType type) => type switch
    {
        DataType.TypeBool => "TYPE_BOOL",
        DataType.TypeUint8 => "TYPE_UINT8",
        DataType.TypeUint16 => "TYPE_UINT16",
        DataType.TypeUint32 => "TYPE_UINT32",
        DataType.TypeUint64 => "TYPE_UINT64",
        DataType.TypeInt8 => "TYPE_INT8",
        DataType.TypeInt16 => "TYPE_INT16",
        DataType.TypeInt32 => "TYPE_INT32",
        DataType.TypeInt64 => "TYPE_INT64",
        DataType.TypeFp16 => "TYPE_FP16",
        DataType.TypeFp32 => "TYPE_FP32",
        DataType.TypeFp64 => "TYPE_FP64",
        DataType.TypeString => "TYPE_STRING",
        DataType.TypeBf16 => "TYPE_BF16",
        _ => "TYPE_INVALID",
    };
}
