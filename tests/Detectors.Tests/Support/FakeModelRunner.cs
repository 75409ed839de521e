using NeuralSec.Detectors.Detection;
using NeuralSec.Detectors.Images;

namespace NeuralSec.Detectors.Tests.Support;

/// <summary>A model runner that answers from a function of the batch and records a copy of every batch it was given.</summary>
internal sealed class FakeModelRunner(Func<ImageBatch, float[]> answer) : IModelRunner
{
    public List<ImageBatch> Calls { get; } = [];

    /// <summary>A classifier that answers the same logits for every image.</summary>
    public static FakeModelRunner Constant(params float[] logits) =>
        new(batch => Enumerable.Range(0, batch.Count).SelectMany(_ => logits).ToArray());

    /// <summary>A classifier answering log-probabilities row by row (softmax of log p is p).</summary>
    public static FakeModelRunner Rows(params float[][] probabilities) =>
        new(batch => probabilities.Take(batch.Count).SelectMany(row => row.Select(p => MathF.Log(p))).ToArray());

    public ValueTask<float[]> RunAsync(ImageBatch batch, CancellationToken cancellationToken)
    {
        Calls.Add(batch.Clone());
        return ValueTask.FromResult(answer(batch));
    }
}
