using System.Text;
using System.Text.Json;
using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.Pipeline;
using NeuralSec.Gateway.Protocol;

namespace NeuralSec.Gateway.Rest;

/// <summary>Writes the JSON answer of OIP v2 inference (<c>POST /v2/models/{name}/infer</c>); the request side is
/// <see cref="RestInferDecoder"/>.</summary>
internal static class RestJsonWriter
{
    /// <param name="writer">Where the JSON goes.</param>
    /// <param name="context">The answered request.</param>
    /// <param name="binary">With Triton's binary extension, the request that says which outputs travel as raw bytes
    /// after the JSON: those carry <c>parameters.binary_data_size</c> instead of <c>data</c>. Null: all JSON.</param>
    public static void WriteResponse(Utf8JsonWriter writer, InferenceContext context, RestInferRequest? binary)
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
            if (binary is not null && binary.IsBinary(output.Name))
            {
                writer.WriteStartObject("parameters");
                writer.WriteNumber("binary_data_size", output.Data.Length);
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteStartArray("data");
                WriteData(writer, output);
                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
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
}
