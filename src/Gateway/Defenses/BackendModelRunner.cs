using System.Runtime.InteropServices;
using NeuralSec.Detectors.Detection;
using NeuralSec.Detectors.Images;
using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.Backends;

namespace NeuralSec.Gateway.Defenses;

/// <summary>
/// The protected model as detectors see it: one batched inference through the same backend that serves the
/// caller (embedded ONNX Runtime or the upstream server), returning the first output's values.
/// </summary>
/// <remarks>
/// Detectors such as feature squeezing put the caller's own images first in their batch. When a call's first rows
/// are exactly the request's image input and the model has a single output, the runner keeps those rows as the
/// model's answer to the request (<see cref="AnswerForOriginal"/>), so forwarding need not run the model a second
/// time on the same input. <paramref name="original"/> is the batch the detectors score; they never modify it.
/// </remarks>
internal sealed class BackendModelRunner(IModelBackend backend, string model, string? version, string inputName, string requestId, ImageBatch original) : IModelRunner
{
    public BackendInferResult? AnswerForOriginal { get; private set; }

    public async ValueTask<float[]> RunAsync(ImageBatch batch, CancellationToken cancellationToken)
    {
        var request = new BackendInferRequest(model, version, requestId, [batch.ToTensor(inputName)], []);
        var result = await backend.InferAsync(request, cancellationToken).ConfigureAwait(false);
        var output = result.Outputs.Count > 0 ? result.Outputs[0] : throw new InvalidDataException($"model '{model}' returned no output");
        if (output.DataType != TensorDataType.FP32)
        {
            throw new InvalidDataException($"model '{model}' output '{output.Name}' is {output.DataType.ToWireName()}; detectors need FP32 scores");
        }

        var values = output.AsSpan<float>();
        Remember(batch, result, output, values);
        return values.ToArray();
    }

    private void Remember(ImageBatch batch, BackendInferResult result, InferenceTensor output, ReadOnlySpan<float> values)
    {
        if (AnswerForOriginal is not null || result.Outputs.Count != 1 || batch.Count < original.Count || values.Length % batch.Count != 0
            || !batch.Span[..original.Span.Length].SequenceEqual(original.Span))
        {
            return;
        }

        var perImage = values.Length / batch.Count;
        var rows = values[..(perImage * original.Count)];
        var shape = output.Shape.ToArray();
        shape[0] = original.Count;
        var answer = new InferenceTensor(output.Name, TensorDataType.FP32, shape, MemoryMarshal.AsBytes(rows).ToArray());
        AnswerForOriginal = new BackendInferResult(result.ModelVersion, [answer]);
    }
}
