using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.Options;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Protocol;

/// <summary>
/// Reads the input tensors of a gRPC <see cref="ModelInferRequest"/>, typed or raw, into
/// <see cref="InferenceTensor"/>s. Only wire-level consistency is checked here (sizes against shapes, one form of
/// contents); whether the tensors fit the model is the validation stage's job.
/// </summary>
internal static class InferRequestDecoder
{
    public static DecodedTensors Decode(ModelInferRequest request, LimitsOptions limits)
    {
        var inputs = request.Inputs;
        if (inputs.Count == 0)
        {
            return DecodedTensors.Fail("no_inputs", "the request has no inputs");
        }

        if (inputs.Count > limits.MaxInputs)
        {
            return DecodedTensors.Fail("too_many_inputs", $"the request has {inputs.Count} inputs; at most {limits.MaxInputs} are accepted");
        }

        var raw = request.RawInputContents;
        if (raw.Count != 0 && raw.Count != inputs.Count)
        {
            return DecodedTensors.Fail("raw_count_mismatch", $"raw_input_contents has {raw.Count} entries but there are {inputs.Count} inputs");
        }

        var tensors = new InferenceTensor[inputs.Count];
        long totalBytes = 0;
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            var error = TensorSizeGuard.Check(input.Name, input.Datatype, input.Shape, limits, out var dataType, out var elementCount);
            if (error is not null)
            {
                return DecodedTensors.Fail("bad_tensor", error);
            }

            ReadOnlyMemory<byte> data;
            if (raw.Count != 0)
            {
                if (input.Contents is not null && HasAnyContents(input.Contents))
                {
                    return DecodedTensors.Fail("mixed_contents", $"input {CallerText.Quote(input.Name)} sets contents although raw_input_contents is used");
                }

                data = raw[i].Memory;
                var rawError = CheckRawLength(input.Name, dataType, elementCount, data.Span);
                if (rawError is not null)
                {
                    return DecodedTensors.Fail("raw_size_mismatch", rawError);
                }
            }
            else
            {
                if (input.Contents is null)
                {
                    return DecodedTensors.Fail("missing_contents", $"input {CallerText.Quote(input.Name)} has neither contents nor raw_input_contents");
                }

                var bytes = TypedContents.TryToRaw(input.Contents, dataType, elementCount, out var typedError);
                if (bytes is null)
                {
                    return DecodedTensors.Fail("contents_mismatch", $"input {CallerText.Quote(input.Name)}: {typedError}");
                }

                data = bytes;
            }

            totalBytes += data.Length;
            if (totalBytes > limits.MaxInputBytes)
            {
                return DecodedTensors.Fail("too_large", $"the inputs exceed the request size limit of {limits.MaxInputBytes} bytes");
            }

            tensors[i] = new InferenceTensor(input.Name, dataType, input.Shape.ToArray(), data);
        }

        return new DecodedTensors(tensors, null);
    }

    /// <summary>The raw-size rule shared by gRPC raw contents and REST binary data.</summary>
    public static string? CheckRawLength(string name, TensorDataType dataType, long elementCount, ReadOnlySpan<byte> data)
    {
        if (dataType == TensorDataType.Bytes)
        {
            var count = RawBytesElements.Count(data);
            if (count is null)
            {
                return $"input {CallerText.Quote(name)}: raw BYTES data is malformed (an element length runs past the end)";
            }

            return count.Value == elementCount ? null : $"input {CallerText.Quote(name)}: raw BYTES data holds {count.Value} elements but the shape needs {elementCount}";
        }

        var expected = elementCount * dataType.ElementSize();
        return data.Length == expected
            ? null
            : $"input {CallerText.Quote(name)}: raw data is {data.Length} bytes but shape x {dataType.ToWireName()} needs {expected}";
    }

    private static bool HasAnyContents(InferTensorContents c) =>
        c.BoolContents.Count + c.IntContents.Count + c.Int64Contents.Count + c.UintContents.Count
        + c.Uint64Contents.Count + c.Fp32Contents.Count + c.Fp64Contents.Count + c.BytesContents.Count > 0;
}
