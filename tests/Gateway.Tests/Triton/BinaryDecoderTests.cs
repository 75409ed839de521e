using System.Buffers.Binary;
using System.Text;
using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.Options;
using NeuralSec.Gateway.Rest;

namespace NeuralSec.Gateway.Tests.Triton;

/// <summary>The binary extension's BYTES inputs (no fixture model takes strings, so at the decoder): each element a
/// 4-byte little-endian length and its bytes, the count matching the shape.</summary>
public sealed class BinaryDecoderTests
{
    private static readonly LimitsOptions Limits = new();

    [Fact]
    public void Length_prefixed_BYTES_elements_become_the_same_tensor_as_JSON_strings()
    {
        var tail = Elements("ab", "c");
        var binary = Decode(tail.Length, tail, shape: 2);
        var json = RestInferDecoder.Decode("{\"inputs\":[{\"name\":\"s\",\"shape\":[2],\"datatype\":\"BYTES\",\"data\":[\"ab\",\"c\"]}]}"u8, Limits);

        Assert.Null(binary.Inputs.Rejection);
        var fromBinary = Assert.Single(binary.Inputs.Tensors!);
        var fromJson = Assert.Single(json.Inputs.Tensors!);
        Assert.Equal(TensorDataType.Bytes, fromBinary.DataType);
        Assert.Equal(fromJson.Data.ToArray(), fromBinary.Data.ToArray());
    }

    [Theory]
    [InlineData(3)] // more elements declared than sent
    [InlineData(1)] // fewer
    public void A_count_that_does_not_match_the_shape_is_refused(int shape)
    {
        var tail = Elements("ab", "c");
        var decoded = Decode(tail.Length, tail, shape);
        Assert.Equal("bad_binary_data", decoded.Inputs.Rejection?.ReasonCode);
    }

    [Fact]
    public void An_element_length_running_past_the_input_is_refused()
    {
        var tail = Elements("ab", "c");
        BinaryPrimitives.WriteUInt32LittleEndian(tail.AsSpan(6), 1000);
        var decoded = Decode(tail.Length, tail, shape: 2);
        Assert.Equal("bad_binary_data", decoded.Inputs.Rejection?.ReasonCode);
    }

    private static RestInferRequest Decode(int size, byte[] tail, int shape)
    {
        var json = Encoding.UTF8.GetBytes($"{{\"inputs\":[{{\"name\":\"s\",\"shape\":[{shape}],\"datatype\":\"BYTES\",\"parameters\":{{\"binary_data_size\":{size}}}}}]}}");
        return RestInferDecoder.Decode([.. json, .. tail], Limits, json.Length);
    }

    private static byte[] Elements(params string[] values)
    {
        var bytes = new List<byte>();
        foreach (var value in values)
        {
            var length = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)Encoding.UTF8.GetByteCount(value));
            bytes.AddRange(length);
            bytes.AddRange(Encoding.UTF8.GetBytes(value));
        }

        return [.. bytes];
    }
}
