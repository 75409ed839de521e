using NeuralSec.Detectors.Detection;
using NeuralSec.Detectors.Images;
using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.Backends;

namespace NeuralSec.Gateway.Defenses;

/// <summary>
/// The protected model as detectors see it: one batched inference through the same backend that serves the
/// caller (embedded ONNX Runtime or the upstream server), returning the first output's values.
/// </summary>
internal sealed class BackendModelRunner(IModelBackend backend, string model, string? version, string inputName, string requestId) : IModelRunner
{
    public async ValueTask<float[]> RunAsync(ImageBatch batch, CancellationToken cancellationToken)
    {
        var request = new BackendInferRequest(model, version, requestId, [batch.ToTensor(inputName)], []);
        var result = await backend.InferAsync(request, cancellationToken).ConfigureAwait(false);
        var output = result.Outputs.Count > 0 ? result.Outputs[0] : throw new InvalidDataException($"model '{model}' returned no output");
        if (output.DataType != TensorDataType.FP32)
        {
            throw new InvalidDataException($"model '{model}' output '{output.Name}' is {output.DataType.ToWireName()}; detectors need FP32 scores");
        }

        return output.AsSpan<float>().ToArray();
    }
}
