using NeuralSec.Detectors.Detection;
using NeuralSec.Detectors.Images;

namespace NeuralSec.Detectors.Benchmarks;

/// <summary>A model that costs (almost) nothing: answers fixed logits per image, or echoes the input as an autoencoder
/// would, so a detector benchmark measures the detector's own work (copies, squeezers, blends, softmax) and not a model.</summary>
internal sealed class FakeModelRunner(bool echo) : IModelRunner
{
    private const int Classes = 10;

    public ValueTask<float[]> RunAsync(ImageBatch batch, CancellationToken cancellationToken)
    {
        if (echo)
        {
            return ValueTask.FromResult(batch.Span.ToArray());
        }

        var logits = new float[batch.Count * Classes];
        for (var i = 0; i < logits.Length; i++)
        {
            logits[i] = i % Classes;
        }

        return ValueTask.FromResult(logits);
    }
}
