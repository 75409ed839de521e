using NeuralSec.Detectors.Detection;
using NeuralSec.Detectors.Images;

namespace NeuralSec.RedTeam.Evaluation;

/// <summary>Per-image scores of a detector over a set of digits, in request-sized chunks (the detector batches its own
/// model calls per request; a chunk bounds the memory STRIP's samples × images blends take).</summary>
internal static class DetectorScoring
{
    public static async Task<double[]> ScoreAsync(IDetector detector, float[] images, DetectionContext context, int chunk, CancellationToken cancellationToken)
    {
        const int pixels = 784;
        var count = images.Length / pixels;
        var scores = new double[count];
        for (var s = 0; s < count; s += chunk)
        {
            var b = Math.Min(chunk, count - s);
            var batch = new ImageBatch(images.AsMemory(s * pixels, b * pixels), b, 1, 28, 28);
            var result = await detector.ScoreAsync(batch, context, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < b; i++)
            {
                scores[s + i] = result.ImageScores[i];
            }
        }

        return scores;
    }
}
