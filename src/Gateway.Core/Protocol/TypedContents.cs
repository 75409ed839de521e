using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Google.Protobuf;
using NeuralSec.Detectors.Tensors;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Protocol;

/// <summary>Converts between the OIP typed <c>contents</c> fields and the raw little-endian layout.</summary>
internal static class TypedContents
{
    /// <summary>Copies typed contents into raw bytes. The element count has already been checked against the
    /// caller's limits; the contents are data the caller really sent, so the allocation is bounded by the message.</summary>
    public static byte[]? TryToRaw(InferTensorContents contents, TensorDataType dataType, long elementCount, out string? error)
    {
        error = null;
        var actual = CountFor(contents, dataType);
        if (actual is null)
        {
            error = $"datatype {dataType.ToWireName()} has no typed contents field; send it in raw_input_contents";
            return null;
        }

        if (actual.Value != elementCount)
        {
            error = $"contents hold {actual.Value} elements but the shape needs {elementCount}";
            return null;
        }

        var others = TotalCount(contents) - actual.Value;
        if (others != 0)
        {
            error = $"contents carry elements in a field that does not match datatype {dataType.ToWireName()}";
            return null;
        }

        switch (dataType)
        {
            case TensorDataType.FP32:
                return ToRaw(contents.Fp32Contents);
            case TensorDataType.FP64:
                return ToRaw(contents.Fp64Contents);
            case TensorDataType.Int64:
                return ToRaw(contents.Int64Contents);
            case TensorDataType.UInt64:
                return ToRaw(contents.Uint64Contents);
            case TensorDataType.Int32:
                return ToRaw(contents.IntContents);
            case TensorDataType.UInt32:
                return ToRaw(contents.UintContents);
            case TensorDataType.Bool:
            {
                var raw = new byte[contents.BoolContents.Count];
                for (var i = 0; i < raw.Length; i++)
                {
                    raw[i] = contents.BoolContents[i] ? (byte)1 : (byte)0;
                }

                return raw;
            }

            case TensorDataType.Int8:
            case TensorDataType.Int16:
                return NarrowSigned(contents.IntContents, dataType, out error);
            case TensorDataType.UInt8:
            case TensorDataType.UInt16:
                return NarrowUnsigned(contents.UintContents, dataType, out error);
            case TensorDataType.Bytes:
            {
                long total = 0;
                foreach (var element in contents.BytesContents)
                {
                    total += 4 + element.Length;
                }

                var raw = new byte[total];
                var offset = 0;
                foreach (var element in contents.BytesContents)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(raw.AsSpan(offset), (uint)element.Length);
                    element.Span.CopyTo(raw.AsSpan(offset + 4));
                    offset += 4 + element.Length;
                }

                return raw;
            }

            default:
                error = $"datatype {dataType.ToWireName()} has no typed contents field; send it in raw_input_contents";
                return null;
        }
    }

    /// <summary>Writes a tensor's raw bytes into the typed field its datatype uses. FP16/BF16 have none: callers
    /// answer those raw.</summary>
    public static InferTensorContents? FromRaw(InferenceTensor tensor)
    {
        var contents = new InferTensorContents();
        switch (tensor.DataType)
        {
            case TensorDataType.FP32:
                contents.Fp32Contents.AddRange(tensor.AsSpan<float>().ToArray());
                break;
            case TensorDataType.FP64:
                contents.Fp64Contents.AddRange(tensor.AsSpan<double>().ToArray());
                break;
            case TensorDataType.Int64:
                contents.Int64Contents.AddRange(tensor.AsSpan<long>().ToArray());
                break;
            case TensorDataType.UInt64:
                contents.Uint64Contents.AddRange(tensor.AsSpan<ulong>().ToArray());
                break;
            case TensorDataType.Int32:
                contents.IntContents.AddRange(tensor.AsSpan<int>().ToArray());
                break;
            case TensorDataType.UInt32:
                contents.UintContents.AddRange(tensor.AsSpan<uint>().ToArray());
                break;
            case TensorDataType.Int16:
                foreach (var v in tensor.AsSpan<short>())
                {
                    contents.IntContents.Add(v);
                }

                break;
            case TensorDataType.Int8:
                foreach (var v in tensor.AsSpan<sbyte>())
                {
                    contents.IntContents.Add(v);
                }

                break;
            case TensorDataType.UInt16:
                foreach (var v in tensor.AsSpan<ushort>())
                {
                    contents.UintContents.Add(v);
                }

                break;
            case TensorDataType.UInt8:
                foreach (var v in tensor.Data.Span)
                {
                    contents.UintContents.Add(v);
                }

                break;
            case TensorDataType.Bool:
                foreach (var v in tensor.Data.Span)
                {
                    contents.BoolContents.Add(v != 0);
                }

                break;
            case TensorDataType.Bytes:
                foreach (var element in RawBytesElements.Enumerate(tensor.Data))
                {
                    contents.BytesContents.Add(ByteString.CopyFrom(element.Span));
                }

                break;
            default:
                return null;
        }

        return contents;
    }

    /// <summary>False for datatypes the typed contents cannot carry (FP16, BF16).</summary>
    public static bool FromRawSupported(TensorDataType dataType) =>
        dataType is not (TensorDataType.FP16 or TensorDataType.BF16);

    private static long? CountFor(InferTensorContents c, TensorDataType dataType) => dataType switch
    {
        TensorDataType.Bool => c.BoolContents.Count,
        TensorDataType.Int8 or TensorDataType.Int16 or TensorDataType.Int32 => c.IntContents.Count,
        TensorDataType.Int64 => c.Int64Contents.Count,
        TensorDataType.UInt8 or TensorDataType.UInt16 or TensorDataType.UInt32 => c.UintContents.Count,
        TensorDataType.UInt64 => c.Uint64Contents.Count,
        TensorDataType.FP32 => c.Fp32Contents.Count,
        TensorDataType.FP64 => c.Fp64Contents.Count,
        TensorDataType.Bytes => c.BytesContents.Count,
        _ => null,
    };

    private static long TotalCount(InferTensorContents c) =>
        (long)c.BoolContents.Count + c.IntContents.Count + c.Int64Contents.Count + c.UintContents.Count
        + c.Uint64Contents.Count + c.Fp32Contents.Count + c.Fp64Contents.Count + c.BytesContents.Count;

    /// <summary>The field's elements as raw little-endian bytes, in one allocation: RepeatedField has no span
    /// accessor, so the elements are written straight into the byte buffer seen as <typeparamref name="T"/>.</summary>
    private static byte[] ToRaw<T>(Google.Protobuf.Collections.RepeatedField<T> field)
        where T : unmanaged
    {
        var raw = new byte[field.Count * System.Runtime.CompilerServices.Unsafe.SizeOf<T>()];
        var elements = MemoryMarshal.Cast<byte, T>(raw.AsSpan());
        for (var i = 0; i < elements.Length; i++)
        {
            elements[i] = field[i];
        }

        return raw;
    }

    private static byte[]? NarrowSigned(Google.Protobuf.Collections.RepeatedField<int> values, TensorDataType dataType, out string? error)
    {
        error = null;
        var (min, max, size) = dataType == TensorDataType.Int8 ? (sbyte.MinValue, sbyte.MaxValue, 1) : (short.MinValue, short.MaxValue, 2);
        var raw = new byte[values.Count * size];
        for (var i = 0; i < values.Count; i++)
        {
            var v = values[i];
            if (v < min || v > max)
            {
                error = $"element {i} ({v}) does not fit {dataType.ToWireName()}";
                return null;
            }

            if (size == 1)
            {
                raw[i] = unchecked((byte)(sbyte)v);
            }
            else
            {
                BinaryPrimitives.WriteInt16LittleEndian(raw.AsSpan(i * 2), (short)v);
            }
        }

        return raw;
    }

    private static byte[]? NarrowUnsigned(Google.Protobuf.Collections.RepeatedField<uint> values, TensorDataType dataType, out string? error)
    {
        error = null;
        var (max, size) = dataType == TensorDataType.UInt8 ? (byte.MaxValue, 1) : ((uint)ushort.MaxValue, 2);
        var raw = new byte[values.Count * size];
        for (var i = 0; i < values.Count; i++)
        {
            var v = values[i];
            if (v > max)
            {
                error = $"element {i} ({v}) does not fit {dataType.ToWireName()}";
                return null;
            }

            if (size == 1)
            {
                raw[i] = (byte)v;
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(raw.AsSpan(i * 2), (ushort)v);
            }
        }

        return raw;
    }
}
