using NeuralSec.Detectors.Detection;
using NeuralSec.Detectors.Images;
using NeuralSec.Lab.Nn;

namespace NeuralSec.RedTeam.Models;

/// <summary>
/// The detectors' model port over the lab's own forward pass of a committed ONNX file (OnnxImporter → Network, equal to
/// ONNX Runtime within 1e-4 per the lab's tests), so every defense is measured on exactly the models the sidecar serves,
/// without a second inference engine in the loop.
/// </summary>
internal sealed class NetworkModelRunner : IModelRunner
{
    // Network layers keep activations of the last Forward for Backward: one call at a time.
    private readonly Lock _gate = new();

    public NetworkModelRunner(string name, Network network)
    {
        Name = name;
        Network = network;
    }

    public string Name { get; }

    public Network Network { get; }

    /// <summary>Images the model has been run on (for the report's cost figures).</summary>
    public long Evaluations { get; private set; }

    public ValueTask<float[]> RunAsync(ImageBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        cancellationToken.ThrowIfCancellationRequested();
        var shape = Network.InputShape;
        if (batch.Layout != ImageLayout.Nchw || !batch.Scaling.IsIdentity || batch.Channels != shape[0] || batch.Height != shape[1] || batch.Width != shape[2])
        {
            throw new InvalidOperationException($"model '{Name}' takes NCHW [batch,{string.Join(",", shape)}] in [0,1]; got {batch.Layout} {batch.Channels}×{batch.Height}×{batch.Width}");
        }

        // The batch may be a pooled buffer the caller reuses: Predict works on its own copy.
        var input = batch.Span.ToArray();
        lock (_gate)
        {
            Evaluations += batch.Count;
            return ValueTask.FromResult(Network.Predict(input));
        }
    }
}
