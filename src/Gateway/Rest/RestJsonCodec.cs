using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.Options;
using NeuralSec.Gateway.Pipeline;
using NeuralSec.Gateway.Protocol;

namespace NeuralSec.Gateway.Rest;

/// <summary>
/// The JSON form of OIP v2 inference (<c>POST /v2/models/{name}/infer</c>): <c>data</c> nested or flat,
/// row-major; numbers for numeric types, booleans for BOOL, strings for BYTES. Sizes are checked against the
/// limits before the element buffer is allocated, exactly as on the gRPC path.
/// </summary>
internal static class RestJsonCodec
{
    public static RestInferRequest Decode(JsonElement root, LimitsOptions limits)
    {
        var id = string.Empty;
        var outputs = new List<string>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Fail("the body must be a JSON object");
        }

        if (root.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String)
        {
            id = idElement.GetString()!;
        }

        if (root.TryGetProperty("outputs", out var outputsElement))
        {
            if (outputsElement.ValueKind != JsonValueKind.Array)
            {
                return Fail("'outputs' must be an array");
            }

            foreach (var output in outputsElement.EnumerateArray())
            {
                if (output.ValueKind != JsonValueKind.Object || !output.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
                {
                    return Fail("each entry of 'outputs' needs a string 'name'");
                }

                outputs.Add(name.GetString()!);
            }
        }

        if (!root.TryGetProperty("inputs", out var inputsElement) || inputsElement.ValueKind != JsonValueKind.Array)
        {
            return Fail("'inputs' is required and must be an array");
        }

        var count = inputsElement.GetArrayLength();
        if (count == 0)
        {
            return Fail("the request has no inputs");
        }

        if (count > limits.MaxInputs)
        {
            return Fail($"the request has {count} inputs; at most {limits.MaxInputs} are accepted");
        }

        var tensors = new List<InferenceTensor>(count);
        long total = 0;
        foreach (var input in inputsElement.EnumerateArray())
        {
            var (tensor, error) = DecodeInput(input, limits);
            if (tensor is null)
            {
                return Fail(error!);
            }

            total += tensor.Data.Length;
            if (total > limits.MaxInputBytes)
            {
                return Fail($"the inputs exceed the request size limit of {limits.MaxInputBytes} bytes");
            }

            tensors.Add(tensor);
        }

        return new RestInferRequest(id, new DecodedTensors(tensors, null), outputs);

        RestInferRequest Fail(string message) => new(id, DecodedTensors.Fail("bad_json", message), outputs);
    }

    public static void WriteResponse(Utf8JsonWriter writer, InferenceContext context)
    {
        writer.WriteStartObject();
        writer.WriteString("model_name", context.ModelName);
        writer.WriteString("model_version", context.ServedVersion ?? string.Empty);
        writer.WriteString("id", context.CallerRequestId);
        writer.WriteStartArray("outputs");
        foreach (var output in context.Outputs)
        {
            writer.WriteStartObject();
            writer.WriteString("name", output.Name);
            writer.WriteString("datatype", output.DataType.ToWireName());
            writer.WriteStartArray("shape");
            foreach (var dim in output.Shape)
            {
                writer.WriteNumberValue(dim);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("data");
            WriteData(writer, output);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static (InferenceTensor? Tensor, string? Error) DecodeInput(JsonElement input, LimitsOptions limits)
    {
        if (input.ValueKind != JsonValueKind.Object)
        {
            return (null, "each input must be an object");
        }

        var name = input.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : string.Empty;
        var datatype = input.TryGetProperty("datatype", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : string.Empty;
        if (!input.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
        {
            return (null, $"input '{name}': 'shape' is required and must be an array");
        }

        var shape = new List<long>();
        foreach (var dim in shapeElement.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out var value))
            {
                return (null, $"input '{name}': shape entries must be integers");
            }

            shape.Add(value);
        }

        var error = TensorSizeGuard.Check(name, datatype, shape, limits, out var dataType, out var elementCount);
        if (error is not null)
        {
            return (null, error);
        }

        if (!input.TryGetProperty("data", out var data))
        {
            return (null, $"input '{name}': 'data' is required");
        }

        if (dataType == TensorDataType.BF16)
        {
            return (null, $"input '{name}': BF16 cannot be sent as JSON");
        }

        var reader = new ElementSink(dataType, elementCount);
        var fillError = Flatten(data, ref reader, name);
        if (fillError is not null)
        {
            return (null, fillError);
        }

        if (reader.Count != elementCount)
        {
            return (null, $"input '{name}': data holds {reader.Count} elements but the shape needs {elementCount}");
        }

        return (new InferenceTensor(name, dataType, shape.ToArray(), reader.ToArray()), null);
    }

    private static string? Flatten(JsonElement element, ref ElementSink sink, string name)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                var error = Flatten(item, ref sink, name);
                if (error is not null)
                {
                    return error;
                }
            }

            return null;
        }

        return sink.Add(element, name);
    }

    private static void WriteData(Utf8JsonWriter writer, InferenceTensor tensor)
    {
        switch (tensor.DataType)
        {
            case TensorDataType.FP32:
                foreach (var v in tensor.AsSpan<float>())
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDataType.FP64:
                foreach (var v in tensor.AsSpan<double>())
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDataType.FP16:
                foreach (var v in tensor.AsSpan<Half>())
                {
                    writer.WriteNumberValue((float)v);
                }

                break;
            case TensorDataType.Int64:
                foreach (var v in tensor.AsSpan<long>())
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDataType.UInt64:
                foreach (var v in tensor.AsSpan<ulong>())
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDataType.Int32:
                foreach (var v in tensor.AsSpan<int>())
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDataType.UInt32:
                foreach (var v in tensor.AsSpan<uint>())
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDataType.Int16:
                foreach (var v in tensor.AsSpan<short>())
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDataType.UInt16:
                foreach (var v in tensor.AsSpan<ushort>())
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDataType.Int8:
                foreach (var v in tensor.AsSpan<sbyte>())
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDataType.UInt8:
                foreach (var v in tensor.Data.Span)
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDataType.Bool:
                foreach (var v in tensor.Data.Span)
                {
                    writer.WriteBooleanValue(v != 0);
                }

                break;
            case TensorDataType.Bytes:
                foreach (var v in RawBytesElements.Enumerate(tensor.Data))
                {
                    writer.WriteStringValue(Encoding.UTF8.GetString(v.Span));
                }

                break;
            default:
                break;
        }
    }

    /// <summary>Collects flattened JSON elements into the raw layout, refusing more than the shape allows.</summary>
    private struct ElementSink(TensorDataType dataType, long expected)
    {
        private readonly int _size = dataType.ElementSize();
        private byte[] _buffer = dataType == TensorDataType.Bytes ? [] : new byte[expected * dataType.ElementSize()];
        private List<byte[]>? _strings;

        public long Count { get; private set; }

        public string? Add(JsonElement element, string name)
        {
            if (Count >= expected)
            {
                Count++;
                return $"input '{name}': data holds more elements than the shape's {expected}";
            }

            var span = dataType == TensorDataType.Bytes ? default : _buffer.AsSpan((int)(Count * _size), _size);
            var ok = dataType switch
            {
                TensorDataType.FP32 => TryDouble(element, out var f) && Write(span, (float)f),
                TensorDataType.FP64 => TryDouble(element, out var f64) && Write(span, f64),
                TensorDataType.FP16 => TryDouble(element, out var h) && Write(span, (Half)h),
                TensorDataType.Int8 => element.ValueKind == JsonValueKind.Number && element.TryGetSByte(out var i8) && Write(span, i8),
                TensorDataType.Int16 => element.ValueKind == JsonValueKind.Number && element.TryGetInt16(out var i16) && Write(span, i16),
                TensorDataType.Int32 => element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var i32) && Write(span, i32),
                TensorDataType.Int64 => element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var i64) && Write(span, i64),
                TensorDataType.UInt8 => element.ValueKind == JsonValueKind.Number && element.TryGetByte(out var u8) && Write(span, u8),
                TensorDataType.UInt16 => element.ValueKind == JsonValueKind.Number && element.TryGetUInt16(out var u16) && Write(span, u16),
                TensorDataType.UInt32 => element.ValueKind == JsonValueKind.Number && element.TryGetUInt32(out var u32) && Write(span, u32),
                TensorDataType.UInt64 => element.ValueKind == JsonValueKind.Number && element.TryGetUInt64(out var u64) && Write(span, u64),
                TensorDataType.Bool => element.ValueKind is JsonValueKind.True or JsonValueKind.False && Write(span, (byte)(element.GetBoolean() ? 1 : 0)),
                TensorDataType.Bytes => element.ValueKind == JsonValueKind.String && AddString(element.GetString()!),
                _ => false,
            };
            if (!ok)
            {
                return $"input '{name}': element {Count} ({element.GetRawText()}) is not a valid {dataType.ToWireName()} value";
            }

            Count++;
            return null;
        }

        public byte[] ToArray()
        {
            if (dataType != TensorDataType.Bytes)
            {
                return _buffer;
            }

            var strings = _strings ?? [];
            var raw = new byte[strings.Sum(s => 4 + s.Length)];
            var offset = 0;
            foreach (var s in strings)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(raw.AsSpan(offset), (uint)s.Length);
                s.CopyTo(raw.AsSpan(offset + 4));
                offset += 4 + s.Length;
            }

            return raw;
        }

        private bool AddString(string value)
        {
            (_strings ??= []).Add(Encoding.UTF8.GetBytes(value));
            return true;
        }

        private static bool TryDouble(JsonElement element, out double value)
        {
            value = 0;
            return element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out value);
        }

        private static bool Write<T>(Span<byte> span, T value)
            where T : unmanaged
        {
            System.Runtime.InteropServices.MemoryMarshal.Write(span, in value);
            return true;
        }
    }
}
