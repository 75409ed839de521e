using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.Options;
using NeuralSec.Gateway.Pipeline;
using NeuralSec.Gateway.Protocol;

namespace NeuralSec.Gateway.Rest;

/// <summary>
/// Decodes the JSON body of <c>POST /v2/models/{name}/infer</c> (<c>data</c> nested or flat, row-major; numbers for
/// numeric types, booleans for BOOL, strings for BYTES) straight from its bytes with <see cref="Utf8JsonReader"/>:
/// no document tree, so memory is the body (bounded by <see cref="LimitsOptions.MaxJsonBodyBytes"/>) plus the
/// tensors (bounded by <see cref="LimitsOptions.MaxInputBytes"/>, checked against the declared shape before the
/// element buffer is allocated, exactly as on the gRPC path). A first pass reads names, datatypes and shapes and
/// marks where each <c>data</c> lies; the second fills each tensor's buffer from its mark.
/// With Triton's binary extension (<see cref="BinaryHeaderLength"/>), an input whose parameters give
/// <c>binary_data_size</c> takes that many bytes of the body after the JSON instead, in input order; the sizes must
/// match the shapes and add up to the binary part exactly, and the input becomes the same tensor a JSON input would.
/// </summary>
internal static class RestInferDecoder
{
    private const int MaxDepth = 64;

    private const string UnpairedSurrogate = "escapes an unpaired UTF-16 surrogate (such as \\ud800), which is not text";

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow };

    private const string BinaryReason = "bad_binary_data";

    public static RestInferRequest Decode(ReadOnlySpan<byte> body, LimitsOptions limits) => Decode(body, limits, jsonLength: null);

    /// <param name="body">The whole body.</param>
    /// <param name="limits">The request limits.</param>
    /// <param name="jsonLength">The binary extension's JSON header length (already checked to lie within the body),
    /// or null when the body is JSON only.</param>
    public static RestInferRequest Decode(ReadOnlySpan<byte> body, LimitsOptions limits, int? jsonLength)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var binary = jsonLength is { } split ? body[split..] : default;
        body = jsonLength is { } end ? body[..end] : body;
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            return Fail(string.Empty, "the body is not valid UTF-8") with { NotJson = true };
        }

        Header header;
        try
        {
            header = ReadHeader(body, limits);
        }
        catch (JsonException ex)
        {
            return Fail(string.Empty, $"the body is not valid JSON: {ex.Message}") with { NotJson = true };
        }

        if (header.Error is not null)
        {
            return Fail(header.Id, header.Error);
        }

        var tensors = new List<InferenceTensor>(header.Inputs.Count);
        long total = 0;
        var binaryOffset = 0;
        foreach (var input in header.Inputs)
        {
            var error = TensorSizeGuard.Check(input.Name, input.DataType, input.Shape!, limits, out var dataType, out var elementCount);
            if (error is not null)
            {
                return Fail(header.Id, error);
            }

            byte[] data;
            if (input.BinarySize is { } size)
            {
                error = TakeBinary(input, dataType, elementCount, size, jsonLength is not null, binary, ref binaryOffset, out data);
                if (error is not null)
                {
                    return Fail(header.Id, error, BinaryReason);
                }
            }
            else
            {
                if (dataType == TensorDataType.BF16)
                {
                    return Fail(header.Id, $"input {CallerText.Quote(input.Name)}: BF16 cannot be sent as JSON");
                }

                if (input.Data is not var (start, length))
                {
                    return Fail(header.Id, $"input {CallerText.Quote(input.Name)}: 'data' is required");
                }

                var sink = new ElementSink(dataType, elementCount);
                error = Fill(body.Slice(start, length), ref sink, input.Name);
                if (error is not null)
                {
                    return Fail(header.Id, error);
                }

                if (sink.Count != elementCount)
                {
                    return Fail(header.Id, $"input {CallerText.Quote(input.Name)}: data holds {sink.Count} elements but the shape needs {elementCount}");
                }

                data = sink.ToArray();
            }

            total += data.Length;
            if (total > limits.MaxInputBytes)
            {
                return Fail(header.Id, $"the inputs exceed the request size limit of {limits.MaxInputBytes} bytes");
            }

            tensors.Add(new InferenceTensor(input.Name, dataType, input.Shape!.ToArray(), data));
        }

        if (binaryOffset != binary.Length)
        {
            return Fail(header.Id, $"the body has {binary.Length - binaryOffset} bytes after the JSON header that no input's binary_data_size accounts for", BinaryReason);
        }

        return new RestInferRequest(header.Id, new DecodedTensors(tensors, null), header.Outputs)
        {
            BinaryOutput = header.BinaryOutput,
            OutputBinary = header.OutputBinary,
        };
    }

    private static RestInferRequest Fail(string id, string message, string reason = "bad_json") => new(id, DecodedTensors.Fail(reason, message), []);

    /// <summary>One input's bytes from the binary part, checked against its shape before they are copied.</summary>
    private static string? TakeBinary(InputHeader input, TensorDataType dataType, long elementCount, long size, bool extension, ReadOnlySpan<byte> binary, ref int offset, out byte[] data)
    {
        data = [];
        var name = CallerText.Quote(input.Name);
        if (!extension)
        {
            return $"input {name}: 'binary_data_size' needs the {BinaryHeaderLength.HeaderName} header";
        }

        if (input.Data is not null)
        {
            return $"input {name}: has both 'data' and 'binary_data_size'";
        }

        if (dataType != TensorDataType.Bytes && size != elementCount * dataType.ElementSize())
        {
            return $"input {name}: binary_data_size is {size} bytes but its shape needs {elementCount * dataType.ElementSize()}";
        }

        if (size > binary.Length - offset)
        {
            return $"input {name}: binary_data_size is {size} bytes but only {binary.Length - offset} remain in the body";
        }

        var slice = binary.Slice(offset, (int)size);
        if (dataType == TensorDataType.Bytes && RawBytesElements.Count(slice) != elementCount)
        {
            return $"input {name}: the binary data is not {elementCount} length-prefixed BYTES elements";
        }

        offset += (int)size;
        data = slice.ToArray();
        return null;
    }

    /// <summary>Pass one: everything but the tensors' data, whose extents are marked.</summary>
    private static Header ReadHeader(ReadOnlySpan<byte> body, LimitsOptions limits)
    {
        var header = new Header();
        var reader = new Utf8JsonReader(body, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return header.WithError("the body must be a JSON object");
        }

        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            var property = reader.ValueTextEquals("id"u8) ? "id"
                : reader.ValueTextEquals("inputs"u8) ? "inputs"
                : reader.ValueTextEquals("outputs"u8) ? "outputs"
                : reader.ValueTextEquals("parameters"u8) ? "parameters"
                : null;
            Next(ref reader);
            switch (property)
            {
                case "id" when reader.TokenType == JsonTokenType.String:
                    if (reader.ValueSpan.Length > CallerText.MaxIdentifierLength * 6)
                    {
                        return header.WithError($"'id' is longer than {CallerText.MaxIdentifierLength} characters");
                    }

                    header.Id = reader.GetString()!;
                    break;
                case "outputs":
                    if (ReadOutputs(ref reader, header) is { } outputsError)
                    {
                        return header.WithError(outputsError);
                    }

                    break;
                case "inputs":
                    if (ReadInputs(ref reader, header, limits) is { } inputsError)
                    {
                        return header.WithError(inputsError);
                    }

                    break;
                case "parameters":
                    if (ReadParameters(ref reader, "request", "binary_data_output"u8, out var binaryOutput) is { } parametersError)
                    {
                        return header.WithError(parametersError);
                    }

                    header.BinaryOutput = binaryOutput is true;
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (!header.SawInputs)
        {
            return header.WithError("'inputs' is required and must be an array");
        }

        return header.Inputs.Count == 0 ? header.WithError("the request has no inputs") : header;
    }

    private static string? ReadOutputs(ref Utf8JsonReader reader, Header header)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return "'outputs' must be an array";
        }

        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            string? name = null;
            bool? binary = null;
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                while (Next(ref reader) == JsonTokenType.PropertyName)
                {
                    var key = reader.ValueTextEquals("name"u8) ? 1 : reader.ValueTextEquals("parameters"u8) ? 2 : 0;
                    Next(ref reader);
                    if (key == 1 && reader.TokenType == JsonTokenType.String)
                    {
                        name = reader.GetString();
                    }
                    else if (key == 2)
                    {
                        if (ReadParameters(ref reader, "output", "binary_data"u8, out binary) is { } parametersError)
                        {
                            return parametersError;
                        }
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }

            if (name is null)
            {
                return "each entry of 'outputs' needs a string 'name'";
            }

            if (header.Outputs.Count >= 1024)
            {
                return "'outputs' has more than 1024 entries";
            }

            header.Outputs.Add(name);
            if (binary is { } explicitBinary)
            {
                (header.OutputBinary ??= new Dictionary<string, bool>(StringComparer.Ordinal))[name] = explicitBinary;
            }
        }

        return null;
    }

    private static string? ReadInputs(ref Utf8JsonReader reader, Header header, LimitsOptions limits)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return "'inputs' is required and must be an array";
        }

        header.SawInputs = true;
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (header.Inputs.Count >= limits.MaxInputs)
            {
                return $"the request has more than {limits.MaxInputs} inputs; at most {limits.MaxInputs} are accepted";
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return "each input must be an object";
            }

            var input = new InputHeader();
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                var key = reader.ValueTextEquals("name"u8) ? 1 : reader.ValueTextEquals("datatype"u8) ? 2 : reader.ValueTextEquals("shape"u8) ? 3 : reader.ValueTextEquals("data"u8) ? 4
                    : reader.ValueTextEquals("parameters"u8) ? 5 : 0;
                Next(ref reader);
                switch (key)
                {
                    case 1 when reader.TokenType == JsonTokenType.String:
                        input.Name = reader.GetString()!;
                        break;
                    case 2 when reader.TokenType == JsonTokenType.String:
                        input.DataType = reader.GetString()!;
                        break;
                    case 3:
                        if (ReadShape(ref reader, input) is { } shapeError)
                        {
                            return shapeError;
                        }

                        break;
                    case 4:
                        var start = (int)reader.TokenStartIndex;
                        reader.Skip();
                        input.Data = (start, (int)reader.BytesConsumed - start);
                        break;
                    case 5:
                        if (ReadBinarySize(ref reader, input) is { } sizeError)
                        {
                            return sizeError;
                        }

                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            if (input.Shape is null)
            {
                return $"input {CallerText.Quote(input.Name)}: 'shape' is required and must be an array";
            }

            header.Inputs.Add(input);
        }

        return null;
    }

    /// <summary>An input's <c>parameters</c>: only <c>binary_data_size</c> means anything here.</summary>
    private static string? ReadBinarySize(ref Utf8JsonReader reader, InputHeader input)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return $"input {CallerText.Quote(input.Name)}: 'parameters' must be an object";
        }

        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            var isSize = reader.ValueTextEquals("binary_data_size"u8);
            Next(ref reader);
            if (!isSize)
            {
                reader.Skip();
                continue;
            }

            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var size) || size < 0)
            {
                return $"input {CallerText.Quote(input.Name)}: 'binary_data_size' must be a non-negative integer";
            }

            input.BinarySize = size;
        }

        return null;
    }

    /// <summary>A request's or an output's <c>parameters</c>: the one boolean named <paramref name="flag"/> is read,
    /// the rest skipped.</summary>
    private static string? ReadParameters(ref Utf8JsonReader reader, string owner, ReadOnlySpan<byte> flag, out bool? value)
    {
        value = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return $"the {owner}'s 'parameters' must be an object";
        }

        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            var isFlag = reader.ValueTextEquals(flag);
            Next(ref reader);
            if (!isFlag)
            {
                reader.Skip();
                continue;
            }

            if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False))
            {
                return $"the {owner}'s '{System.Text.Encoding.UTF8.GetString(flag)}' must be a boolean";
            }

            value = reader.GetBoolean();
        }

        return null;
    }

    private static string? ReadShape(ref Utf8JsonReader reader, InputHeader input)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return $"input {CallerText.Quote(input.Name)}: 'shape' is required and must be an array";
        }

        var shape = new List<long>();
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var dim))
            {
                return $"input {CallerText.Quote(input.Name)}: shape entries must be integers";
            }

            if (shape.Count >= 16)
            {
                return $"input {CallerText.Quote(input.Name)}: shape has more than 16 dimensions";
            }

            shape.Add(dim);
        }

        input.Shape = shape;
        return null;
    }

    /// <summary>Pass two: one input's <c>data</c> value, flattened row-major into its buffer.</summary>
    private static string? Fill(ReadOnlySpan<byte> data, ref ElementSink sink, string name)
    {
        var reader = new Utf8JsonReader(data, ReaderOptions);
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.EndArray)
            {
                continue;
            }

            if (HasUnpairedSurrogate(ref reader))
            {
                return $"input {CallerText.Quote(name)}: element {sink.Count} {UnpairedSurrogate}";
            }

            if (sink.Add(ref reader, name) is { } error)
            {
                return error;
            }
        }

        return null;
    }

    /// <summary>The next token of pass one, every string and property name of which is safe to read.</summary>
    private static JsonTokenType Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new JsonException("the body ends before the JSON value does");
        }

        return HasUnpairedSurrogate(ref reader) ? throw new JsonException($"a string {UnpairedSurrogate}") : reader.TokenType;
    }

    /// <summary>
    /// Whether the string or property name under the reader escapes half a UTF-16 surrogate pair (<c>"\ud800"</c>).
    /// The reader lets such a token through but throws <see cref="InvalidOperationException"/> from
    /// <c>GetString</c> and <c>ValueTextEquals</c>, which would end the request in a 500; checked where each token
    /// is read, so those calls never see one. Only escaped tokens pay for the check.
    /// </summary>
    private static bool HasUnpairedSurrogate(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName) || !reader.ValueIsEscaped)
        {
            return false;
        }

        try
        {
            _ = reader.GetString();
            return false;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    private sealed class Header
    {
        public string Id { get; set; } = string.Empty;

        public List<string> Outputs { get; } = [];

        public List<InputHeader> Inputs { get; } = [];

        public bool SawInputs { get; set; }

        /// <summary>The request's <c>binary_data_output</c>.</summary>
        public bool BinaryOutput { get; set; }

        /// <summary>Outputs whose own <c>binary_data</c> says how they are answered; null when none says.</summary>
        public Dictionary<string, bool>? OutputBinary { get; set; }

        public string? Error { get; private set; }

        public Header WithError(string error)
        {
            Error = error;
            return this;
        }
    }

    private sealed class InputHeader
    {
        public string Name { get; set; } = string.Empty;

        public string DataType { get; set; } = string.Empty;

        public List<long>? Shape { get; set; }

        /// <summary>Offset and length of the <c>data</c> value in the body.</summary>
        public (int Start, int Length)? Data { get; set; }

        /// <summary>The <c>binary_data_size</c> parameter: the input's bytes follow the JSON header.</summary>
        public long? BinarySize { get; set; }
    }

    /// <summary>Collects flattened JSON elements into the raw layout, refusing more than the shape allows.</summary>
    private struct ElementSink(TensorDataType dataType, long expected)
    {
        private readonly int _size = dataType.ElementSize();
        private readonly byte[] _buffer = dataType == TensorDataType.Bytes ? [] : new byte[expected * dataType.ElementSize()];
        private List<byte[]>? _strings;

        public long Count { get; private set; }

        public string? Add(ref Utf8JsonReader reader, string name)
        {
            if (Count >= expected)
            {
                Count++;
                return $"input {CallerText.Quote(name)}: data holds more elements than the shape's {expected}";
            }

            var span = dataType == TensorDataType.Bytes ? default : _buffer.AsSpan((int)(Count * _size), _size);
            var number = reader.TokenType == JsonTokenType.Number;
            var ok = dataType switch
            {
                TensorDataType.FP32 => number && reader.TryGetDouble(out var f) && Write(span, (float)f),
                TensorDataType.FP64 => number && reader.TryGetDouble(out var f64) && Write(span, f64),
                TensorDataType.FP16 => number && reader.TryGetDouble(out var h) && Write(span, (Half)h),
                TensorDataType.Int8 => number && reader.TryGetSByte(out var i8) && Write(span, i8),
                TensorDataType.Int16 => number && reader.TryGetInt16(out var i16) && Write(span, i16),
                TensorDataType.Int32 => number && reader.TryGetInt32(out var i32) && Write(span, i32),
                TensorDataType.Int64 => number && reader.TryGetInt64(out var i64) && Write(span, i64),
                TensorDataType.UInt8 => number && reader.TryGetByte(out var u8) && Write(span, u8),
                TensorDataType.UInt16 => number && reader.TryGetUInt16(out var u16) && Write(span, u16),
                TensorDataType.UInt32 => number && reader.TryGetUInt32(out var u32) && Write(span, u32),
                TensorDataType.UInt64 => number && reader.TryGetUInt64(out var u64) && Write(span, u64),
                TensorDataType.Bool => reader.TokenType is JsonTokenType.True or JsonTokenType.False && Write(span, (byte)(reader.GetBoolean() ? 1 : 0)),
                TensorDataType.Bytes => reader.TokenType == JsonTokenType.String && AddString(reader.GetString()!),
                _ => false,
            };
            if (!ok)
            {
                return $"input {CallerText.Quote(name)}: element {Count} is not a valid {dataType.ToWireName()} value";
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

        private static bool Write<T>(Span<byte> span, T value)
            where T : unmanaged
        {
            System.Runtime.InteropServices.MemoryMarshal.Write(span, in value);
            return true;
        }
    }
}
