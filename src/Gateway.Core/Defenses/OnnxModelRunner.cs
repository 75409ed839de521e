using NeuralSec.Detectors.Detection;
using NeuralSec.Detectors.Images;
using NeuralSec.Gateway.Backends.OnnxRuntime;

namespace NeuralSec.Gateway.Defenses;

/// <summary>An auxiliary model (an autoencoder) in the sidecar's own ONNX Runtime session: never exposed to
/// callers, used by detectors only.</summary>
internal sealed class OnnxModelRunner(OnnxModel model) : IModelRunner
{
    private readonly string _input = model.Inputs[0].Name;

    public ValueTask<float[]> RunAsync(ImageBatch batch, CancellationToken cancellationToken)
    {
        var outputs = model.Run([batch.ToTensor(_input)], [], cancellationToken);
        return ValueTask.FromResult(outputs[0].AsSpan<float>().ToArray());
    }
}
