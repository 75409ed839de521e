using System.Numerics.Tensors;
using NeuralSec.Detectors.Detection;
using NeuralSec.Detectors.Images;

namespace NeuralSec.RedTeam.Evaluation;

/// <summary>A classifier port that counts, over every image it is run on, how many the model assigns to one class — for
/// STRIP, the share of a detector's blends that keep the backdoor's target class, which its entropy score does not show.</summary>
internal sealed class TargetTallyRunner : IModelRunner
{
    private readonly IModelRunner _inner;
    private readonly int _target;

    public TargetTallyRunner(IModelRunner inner, int target)
    {
        _inner = inner;
        _target = target;
    }

    public long Images { get; private set; }

    public long OnTarget { get; private set; }

    public double Share => Images == 0 ? double.NaN : (double)OnTarget / Images;

    public async ValueTask<float[]> RunAsync(ImageBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var logits = await _inner.RunAsync(batch, cancellationToken).ConfigureAwait(false);
        var classes = logits.Length / batch.Count;
        for (var i = 0; i < batch.Count; i++)
        {
            OnTarget += TensorPrimitives.IndexOfMax(logits.AsSpan(i * classes, classes)) == _target ? 1 : 0;
        }

        Images += batch.Count;
        return logits;
    }
}
