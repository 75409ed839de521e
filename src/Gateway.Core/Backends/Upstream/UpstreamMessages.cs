using Google.Protobuf;
using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.Protocol;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Backends.Upstream;

/// <summary>
/// Translation between the backend's tensors and the upstream's OIP v2 messages. Requests always go raw (the
/// spec's faster encoding, and no per-element copy); responses are accepted raw or typed, since MLServer-style
/// servers may answer typed. Typed→raw conversion and the raw-length rule are the gateway codec's
/// (<see cref="TypedContents"/>, <see cref="InferRequestDecoder.CheckRawLength"/>), so both sides agree.
/// </summary>
internal static class UpstreamMessages
{
    public static ModelInferRequest ToInferRequest(BackendInferRequest request)
    {
        var message = new ModelInferRequest
        {
            ModelName = request.ModelName,
            ModelVersion = request.ModelVersion ?? string.Empty,
            Id = request.RequestId,
        };

        foreach (var input in request.Inputs)
        {
            var tensor = new ModelInferRequest.Types.InferInputTensor { Name = input.Name, Datatype = input.DataType.ToWireName() };
            tensor.Shape.AddRange(input.Shape);
            message.Inputs.Add(tensor);

            // The tensor's bytes are immutable for the request's lifetime, so wrapping them saves a copy of
            // every input on the hot path.
            message.RawInputContents.Add(UnsafeByteOperations.UnsafeWrap(input.Data));
        }

        foreach (var output in request.RequestedOutputs)
        {
            message.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = output });
        }

        return message;
    }

    /// <exception cref="UpstreamProtocolException">The response does not follow the protocol.</exception>
    public static BackendInferResult FromInferResponse(ModelInferResponse response)
    {
        var raw = response.RawOutputContents;
        if (raw.Count != 0 && raw.Count != response.Outputs.Count)
        {
            throw new UpstreamProtocolException($"{response.Outputs.Count} outputs but {raw.Count} raw_output_contents");
        }

        var outputs = new InferenceTensor[response.Outputs.Count];
        for (var i = 0; i < outputs.Length; i++)
        {
            var output = response.Outputs[i];
            if (!TensorDataTypes.TryParse(output.Datatype, out var dataType))
            {
                throw new UpstreamProtocolException($"output '{output.Name}' has unknown datatype '{output.Datatype}'");
            }

            var shape = output.Shape.ToArray();
            var elementCount = TensorShape.TryElementCount(shape)
                ?? throw new UpstreamProtocolException($"output '{output.Name}' has invalid shape {TensorShape.Format(shape)}");

            ReadOnlyMemory<byte> data;
            if (raw.Count != 0)
            {
                data = raw[i].Memory;
                var problem = InferRequestDecoder.CheckRawLength(output.Name, dataType.Value, elementCount, data.Span);
                if (problem is not null)
                {
                    throw new UpstreamProtocolException(problem);
                }
            }
            else
            {
                data = TypedContents.TryToRaw(output.Contents ?? new InferTensorContents(), dataType.Value, elementCount, out var problem)
                    ?? throw new UpstreamProtocolException($"output '{output.Name}': {problem}");
            }

            outputs[i] = new InferenceTensor(output.Name, dataType.Value, shape, data);
        }

        return new BackendInferResult(response.ModelVersion, outputs);
    }

    /// <exception cref="UpstreamProtocolException">A tensor has an unknown datatype.</exception>
    public static ModelDescriptor FromMetadata(ModelMetadataResponse metadata) => new(
        metadata.Name,
        metadata.Versions.ToArray(),
        metadata.Platform,
        metadata.Inputs.Select(ToSpec).ToArray(),
        metadata.Outputs.Select(ToSpec).ToArray());

    private static TensorSpec ToSpec(ModelMetadataResponse.Types.TensorMetadata tensor) =>
        TensorDataTypes.TryParse(tensor.Datatype, out var dataType)
            ? new TensorSpec(tensor.Name, dataType.Value, tensor.Shape.ToArray())
            : throw new UpstreamProtocolException($"tensor '{tensor.Name}' has unknown datatype '{tensor.Datatype}'");
}
