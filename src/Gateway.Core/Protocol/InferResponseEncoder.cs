using Google.Protobuf;
using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.Pipeline;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Protocol;

/// <summary>Writes the pipeline's outputs as a <see cref="ModelInferResponse"/> in the form the caller used:
/// raw when it sent raw, typed otherwise (FP16/BF16 have no typed field and always go raw, as in Triton).</summary>
internal static class InferResponseEncoder
{
    public static ModelInferResponse Encode(InferenceContext context)
    {
        var response = new ModelInferResponse
        {
            ModelName = context.ModelName,
            ModelVersion = context.ServedVersion ?? string.Empty,
            Id = context.CallerRequestId,
        };

        var outputs = context.Outputs;
        var raw = context.Encoding == ResponseEncoding.Raw || outputs.Any(o => !TypedContents.FromRawSupported(o.DataType));
        foreach (var output in outputs)
        {
            var tensor = new ModelInferResponse.Types.InferOutputTensor
            {
                Name = output.Name,
                Datatype = output.DataType.ToWireName(),
            };
            tensor.Shape.AddRange(output.Shape);
            if (raw)
            {
                response.RawOutputContents.Add(UnsafeByteOperations.UnsafeWrap(output.Data));
            }
            else
            {
                tensor.Contents = TypedContents.FromRaw(output);
            }

            response.Outputs.Add(tensor);
        }

        return response;
    }
}
