using NeuralSec.Detectors.Detection;
using NeuralSec.Detectors.Images;
using NeuralSec.Gateway.Backends;
using NeuralSec.Gateway.Backends.OnnxRuntime;

namespace NeuralSec.Gateway.Defenses;

/// <summary>
/// An auxiliary model's calls through its <see cref="DynamicBatcher"/>: a call that finds the model idle (no queue
/// delay, nothing waiting) runs at once on its caller's thread, as <see cref="OnnxModelRunner"/> would; the others
/// queue and share an execution with the calls of concurrent requests. The embedded backend's rule, for detectors.
/// </summary>
internal sealed class BatchedModelRunner(OnnxModel model, DynamicBatcher batcher) : IModelRunner
{
    private readonly string _input = model.Inputs[0].Name;

    public async ValueTask<float[]> RunAsync(ImageBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);

        // A copy of the pooled batch: the call may wait for companions after the caller's buffer is reused.
        var request = new BackendInferRequest(model.Name, model.Version, string.Empty, [batch.ToTensor(_input)], []);
        if (batcher.RowsOf(request) is not { } rows)
        {
            return Alone(request, cancellationToken);
        }

        if (batcher.TryRunAlone(static s => s.Runner.Alone(s.Request, s.Token), (Runner: this, Request: request, Token: cancellationToken), out var alone))
        {
            return alone;
        }

        var outputs = await batcher.InferAsync(request, rows, cancellationToken).ConfigureAwait(false);
        return outputs[0].AsSpan<float>().ToArray();
    }

    private float[] Alone(BackendInferRequest request, CancellationToken cancellationToken) =>
        model.Run(request.Inputs, [], cancellationToken)[0].AsSpan<float>().ToArray();
}
