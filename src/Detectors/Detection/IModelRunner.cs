using NeuralSec.Detectors.Images;

namespace NeuralSec.Detectors.Detection;

/// <summary>
/// One model the detectors may call, implemented by the gateway (embedded ONNX Runtime or the upstream server): the protected
/// classifier, or an auxiliary model such as an autoencoder. Detectors batch their extra inputs into one call.
/// </summary>
public interface IModelRunner
{
    /// <summary>Runs the model on <paramref name="batch"/> (in the model's own input layout and scaling) and returns its raw
    /// output, row-major: logits [N, classes] for a classifier (detectors apply softmax themselves), [N, C, H, W] in the input's
    /// layout for an autoencoder. The batch may live in a pooled buffer: read it during the call, never keep it. The returned
    /// array belongs to the caller, which may overwrite it.</summary>
    ValueTask<float[]> RunAsync(ImageBatch batch, CancellationToken cancellationToken);
}
