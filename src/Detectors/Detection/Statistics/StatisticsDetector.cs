using System.Buffers;
using NeuralSec.Detectors.Images;

namespace NeuralSec.Detectors.Detection.Statistics;

/// <summary>
/// First-line statistical check, no model call: per image, the largest distance of a simple statistic from its benign mean in
/// benign standard deviations, max_k |f_k − μ_k| / σ_k; high is suspicious. μ and σ come from benign data
/// (<see cref="Calibration.StatisticsBaseline"/>), never from code.
/// </summary>
internal sealed class StatisticsDetector : IDetector
{
    public StatisticsDetector(StatisticsOptions options)
    {
        if (options.Features.Count == 0 || options.BenignMean.Count != options.Features.Count || options.BenignStd.Count != options.Features.Count
            || options.BenignStd.Any(s => !(s > 0)) || !(options.GreyLow < options.GreyHigh))
        {
            throw new ArgumentException("statistics needs one benign mean and one positive std per feature, and greyLow < greyHigh", nameof(options));
        }

        Options = options;
    }

    public StatisticsOptions Options { get; }

    public string Type => StatisticsDefinition.Type;

    public bool FlagsBelowThreshold => false;

    public IReadOnlyList<string> AuxiliaryModels => [];

    public ValueTask<DetectorResult> ScoreAsync(ImageBatch batch, DetectionContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new DetectorResult(Score(batch), FlagsBelowThreshold));

    internal double[] Score(ImageBatch batch)
    {
        var scores = new double[batch.Count];
        var features = Compute(batch, Options.Features, Options.GreyLow, Options.GreyHigh);
        for (var n = 0; n < batch.Count; n++)
        {
            for (var k = 0; k < Options.Features.Count; k++)
            {
                var z = Math.Abs(features[n, k] - Options.BenignMean[k]) / Options.BenignStd[k];
                scores[n] = Math.Max(scores[n], z);
            }
        }

        return scores;
    }

    /// <summary>[image, feature] values in pixel units.</summary>
    internal static double[,] Compute(ImageBatch batch, IReadOnlyList<ImageFeature> features, double greyLow, double greyHigh)
    {
        var values = new double[batch.Count, features.Count];
        var rented = ArrayPool<float>.Shared.Rent(batch.ImageSize);
        try
        {
            var pixels = rented.AsSpan(0, batch.ImageSize);
            for (var n = 0; n < batch.Count; n++)
            {
                PixelSpace.ToPixels(batch.Slice(n, 1), pixels);
                for (var k = 0; k < features.Count; k++)
                {
                    values[n, k] = ImageFeatures.Compute(features[k], pixels, batch.Channels, batch.Height, batch.Width, greyLow, greyHigh);
                }
            }

            return values;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }
}
