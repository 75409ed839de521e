using System.Runtime.InteropServices;
using Google.Protobuf;
using NeuralSec.Detectors.Tensors;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.LoadTest;

/// <summary>
/// Builds the one request every call sends, from the model's own metadata: raw contents (the encoding real
/// clients use for speed), -1 dimensions filled with the batch size (first) or 1, FP32 values uniform in
/// [0, 1) from a fixed seed so runs are comparable — or, when given, a real image repeated over the batch —
/// zeros for other datatypes.
/// </summary>
internal static class RequestFactory
{
    public static ModelInferRequest Build(ModelMetadataResponse metadata, int batchSize, float[]? image = null)
    {
        var random = new Random(1234);
        var request = new ModelInferRequest { ModelName = metadata.Name, Id = "loadtest" };
        foreach (var input in metadata.Inputs)
        {
            var shape = input.Shape.Select((d, i) => d >= 0 ? d : i == 0 ? batchSize : 1).ToArray();
            if (!TensorDataTypes.TryParse(input.Datatype, out var dataType) || dataType == TensorDataType.Bytes)
            {
                throw new InvalidOperationException($"input '{input.Name}' has datatype '{input.Datatype}', which the load test cannot synthesise");
            }

            var count = TensorShape.TryElementCount(shape, 64L * 1024 * 1024)
                ?? throw new InvalidOperationException($"input '{input.Name}' shape {TensorShape.Format(shape)} is too large");
            byte[] raw;
            if (dataType == TensorDataType.FP32)
            {
                var values = new float[count];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = image is not null && count % image.Length == 0 ? image[i % image.Length] : random.NextSingle();
                }

                raw = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
            }
            else
            {
                raw = new byte[count * dataType.Value.ElementSize()];
            }

            var tensor = new ModelInferRequest.Types.InferInputTensor { Name = input.Name, Datatype = input.Datatype };
            tensor.Shape.AddRange(shape);
            request.Inputs.Add(tensor);
            request.RawInputContents.Add(ByteString.CopyFrom(raw));
        }

        return request;
    }
}
