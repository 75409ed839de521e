using System.Buffers;
using NeuralSec.Detectors.Images;
using NeuralSec.Detectors.Preprocessing;

namespace NeuralSec.Detectors.Detection.FeatureSqueezing;

/// <summary>
/// Feature Squeezing (Xu, Evans, Qi — NDSS 2018): score = max over squeezers of the L1 distance between the model's softmax
/// on the image and on its squeezed copy (range [0, 2]); high is suspicious. The originals and every squeezed copy go to the
/// model in one batched call: [x₁…x_N, s₁(x₁)…s₁(x_N), s₂(x₁)…].
/// </summary>
internal sealed class FeatureSqueezingDetector : IDetector
{
    private readonly IPreprocessor[] _squeezers;

    public FeatureSqueezingDetector(FeatureSqueezingOptions options)
    {
        if (options.Squeezers.Count == 0)
        {
            throw new ArgumentException("feature squeezing needs at least one squeezer", nameof(options));
        }

        Options = options;
        _squeezers = options.Squeezers.Select(Squeezers.Create).ToArray();
    }

    public FeatureSqueezingOptions Options { get; }

    public string Type => FeatureSqueezingDefinition.Type;

    public bool FlagsBelowThreshold => false;

    public IReadOnlyList<string> AuxiliaryModels => [];

    public async ValueTask<DetectorResult> ScoreAsync(ImageBatch batch, DetectionContext context, CancellationToken cancellationToken)
    {
        int count = batch.Count, copies = 1 + _squeezers.Length, length = batch.Data.Length;
        if (count == 0)
        {
            return new DetectorResult([], FlagsBelowThreshold);
        }

        var rented = ArrayPool<float>.Shared.Rent(length * copies);
        try
        {
            var combined = batch.WithData(rented.AsMemory(0, length * copies), count * copies);
            for (var k = 0; k < copies; k++)
            {
                batch.Span.CopyTo(combined.Span.Slice(k * length, length));
                if (k > 0)
                {
                    _squeezers[k - 1].Apply(combined.Slice(k * count, count), context.Random);
                }
            }

            var output = await context.Model.RunAsync(combined, cancellationToken).ConfigureAwait(false);
            return new DetectorResult(Score(output, count), FlagsBelowThreshold);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    private double[] Score(float[] output, int count)
    {
        var classes = Probabilities.Classes(output, count * (1 + _squeezers.Length), "the model");
        Probabilities.SoftmaxRows(output, classes);
        var scores = new double[count];
        for (var i = 0; i < count; i++)
        {
            var original = output.AsSpan(i * classes, classes);
            for (var s = 1; s <= _squeezers.Length; s++)
            {
                var squeezed = output.AsSpan(((s * count) + i) * classes, classes);
                scores[i] = Math.Max(scores[i], Probabilities.L1(original, squeezed));
            }
        }

        return scores;
    }
}
