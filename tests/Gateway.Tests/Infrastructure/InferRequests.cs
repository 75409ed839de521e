using System.Runtime.InteropServices;
using Google.Protobuf;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Tests.Infrastructure;

/// <summary>Builds OIP v2 requests for the MNIST fixture the way a Triton client would.</summary>
internal static class InferRequests
{
    public const string Model = "mnist";
    public const string Input = "input";
    public const string Output = "logits";

    public static ModelInferRequest Typed(params float[][] images)
    {
        var request = new ModelInferRequest { ModelName = Model, Id = "typed-1" };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = Input, Datatype = "FP32", Contents = new InferTensorContents() };
        input.Shape.AddRange([images.Length, 1, 28, 28]);
        foreach (var image in images)
        {
            input.Contents.Fp32Contents.AddRange(image);
        }

        request.Inputs.Add(input);
        return request;
    }

    public static ModelInferRequest Raw(params float[][] images)
    {
        var request = new ModelInferRequest { ModelName = Model, Id = "raw-1" };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = Input, Datatype = "FP32" };
        input.Shape.AddRange([images.Length, 1, 28, 28]);
        request.Inputs.Add(input);
        var flat = images.SelectMany(i => i).ToArray();
        request.RawInputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(flat.AsSpan())));
        return request;
    }

    /// <summary>The logits of a response, typed or raw.</summary>
    public static float[] Logits(ModelInferResponse response)
    {
        if (response.RawOutputContents.Count > 0)
        {
            return MemoryMarshal.Cast<byte, float>(response.RawOutputContents[0].Span).ToArray();
        }

        return response.Outputs[0].Contents.Fp32Contents.ToArray();
    }

    public static int ArgMax(ReadOnlySpan<float> values, int offset = 0, int count = 10)
    {
        var best = offset;
        for (var i = offset + 1; i < offset + count; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best - offset;
    }
}
