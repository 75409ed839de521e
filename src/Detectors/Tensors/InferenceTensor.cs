using System.Runtime.InteropServices;

namespace NeuralSec.Detectors.Tensors;

/// <summary>
/// One named tensor as it crosses from the gateway into the detectors and backends: datatype, shape and the
/// elements as row-major little-endian bytes (the OIP v2 raw layout). No protobuf type ever crosses this line.
/// </summary>
public sealed class InferenceTensor
{
    public InferenceTensor(string name, TensorDataType dataType, long[] shape, ReadOnlyMemory<byte> data)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        Name = name;
        DataType = dataType;
        Shape = shape;
        Data = data;
    }

    public string Name { get; }

    public TensorDataType DataType { get; }

    /// <summary>The concrete shape. Callers must not mutate it.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>Raw little-endian elements (for BYTES: 4-byte length-prefixed elements).</summary>
    public ReadOnlyMemory<byte> Data { get; }

    public long ElementCount => TensorShape.TryElementCount(ShapeSpan) ?? 0;

    public ReadOnlySpan<long> ShapeSpan => ((long[])Shape).AsSpan();

    /// <summary>The elements reinterpreted as <typeparamref name="T"/>, without copying.</summary>
    public ReadOnlySpan<T> AsSpan<T>()
        where T : struct => MemoryMarshal.Cast<byte, T>(Data.Span);

    public static InferenceTensor FromFloats(string name, long[] shape, ReadOnlySpan<float> values) =>
        new(name, TensorDataType.FP32, shape, MemoryMarshal.AsBytes(values).ToArray());
}
