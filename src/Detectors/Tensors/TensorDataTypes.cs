using System.Diagnostics.CodeAnalysis;

namespace NeuralSec.Detectors.Tensors;

/// <summary>Wire names and element sizes of <see cref="TensorDataType"/> (the OIP v2 datatype table).</summary>
public static class TensorDataTypes
{
    private static readonly Dictionary<string, TensorDataType> ByWireName = new(StringComparer.Ordinal)
    {
        ["BOOL"] = TensorDataType.Bool,
        ["UINT8"] = TensorDataType.UInt8,
        ["UINT16"] = TensorDataType.UInt16,
        ["UINT32"] = TensorDataType.UInt32,
        ["UINT64"] = TensorDataType.UInt64,
        ["INT8"] = TensorDataType.Int8,
        ["INT16"] = TensorDataType.Int16,
        ["INT32"] = TensorDataType.Int32,
        ["INT64"] = TensorDataType.Int64,
        ["FP16"] = TensorDataType.FP16,
        ["BF16"] = TensorDataType.BF16,
        ["FP32"] = TensorDataType.FP32,
        ["FP64"] = TensorDataType.FP64,
        ["BYTES"] = TensorDataType.Bytes,
    };

    /// <summary>Parses a case-sensitive OIP datatype string such as <c>FP32</c>.</summary>
    public static bool TryParse(string? wireName, [NotNullWhen(true)] out TensorDataType? dataType)
    {
        if (wireName is not null && ByWireName.TryGetValue(wireName, out var parsed))
        {
            dataType = parsed;
            return true;
        }

        dataType = null;
        return false;
    }

    public static string ToWireName(this TensorDataType dataType) => dataType switch
    {
        TensorDataType.Bool => "BOOL",
        TensorDataType.UInt8 => "UINT8",
        TensorDataType.UInt16 => "UINT16",
        TensorDataType.UInt32 => "UINT32",
        TensorDataType.UInt64 => "UINT64",
        TensorDataType.Int8 => "INT8",
        TensorDataType.Int16 => "INT16",
        TensorDataType.Int32 => "INT32",
        TensorDataType.Int64 => "INT64",
        TensorDataType.FP16 => "FP16",
        TensorDataType.BF16 => "BF16",
        TensorDataType.FP32 => "FP32",
        TensorDataType.FP64 => "FP64",
        TensorDataType.Bytes => "BYTES",
        _ => throw new ArgumentOutOfRangeException(nameof(dataType), dataType, null),
    };

    /// <summary>Bytes per element in the raw little-endian layout; 0 for <see cref="TensorDataType.Bytes"/> (variable).</summary>
    public static int ElementSize(this TensorDataType dataType) => dataType switch
    {
        TensorDataType.Bool or TensorDataType.UInt8 or TensorDataType.Int8 => 1,
        TensorDataType.UInt16 or TensorDataType.Int16 or TensorDataType.FP16 or TensorDataType.BF16 => 2,
        TensorDataType.UInt32 or TensorDataType.Int32 or TensorDataType.FP32 => 4,
        TensorDataType.UInt64 or TensorDataType.Int64 or TensorDataType.FP64 => 8,
        TensorDataType.Bytes => 0,
        _ => throw new ArgumentOutOfRangeException(nameof(dataType), dataType, null),
    };

    public static bool IsFloatingPoint(this TensorDataType dataType) =>
        dataType is TensorDataType.FP16 or TensorDataType.BF16 or TensorDataType.FP32 or TensorDataType.FP64;
}
