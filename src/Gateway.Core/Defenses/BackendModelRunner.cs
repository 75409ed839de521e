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
/// Every batch it runs is kept in <paramref name="answers"/> with the model's answer, so forwarding need not run the
/// model a second time on pixels a detector already sent (feature squeezing's batch holds the caller's images and
/// their squeezed views).
/// </remarks>
internal sealed class BackendModelRunner(IModelBackend backend, string model, string? version, string inputName, string requestId, ModelAnswers answers) : IModelRunner
{
    public async ValueTask<float[]> RunAsync(ImageBatch batch, CancellationToken cancellationToken)
    {
        var sent = batch.ToTensor(inputName);
        var request = new BackendInferRequest(model, version, requestId, [sent], []);
        var result = await backend.InferAsync(request, cancellationToken).ConfigureAwait(false);
        var output = result.Outputs.Count > 0 ? result.Outputs[0] : throw new InvalidDataException($"model '{model}' returned no output");
        if (output.DataType != TensorDataType.FP32)
        {
            throw new InvalidDataException($"model '{model}' output '{output.Name}' is {output.DataType.ToWireName()}; detectors need FP32 scores");
        }

        answers.Remember(sent, result);
        return output.AsSpan<float>().ToArray();
    }
}
