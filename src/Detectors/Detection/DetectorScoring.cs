using NeuralSec.Detectors.Images;

namespace NeuralSec.Detectors.Detection;

/// <summary>
/// Scores every image of a set with one detector, as the request path would score them one request at a time, but in
/// chunks: a few model calls instead of thousands, and a bound on the memory a detector's fan-out takes (squeezers + 1
/// copies, STRIP's samples × images blends). Calibration and the red team's evaluation both score sets this way.
/// </summary>
public static class DetectorScoring
{
    /// <summary>Images per detector call unless told otherwise: a size ONNX Runtime handles without a memory spike
    /// even at STRIP's fan-out.</summary>
    public const int DefaultChunk = 64;

    /// <summary>One score per image, in order.</summary>
    /// <exception cref="InvalidOperationException">The detector returned a score count that does not match its chunk.</exception>
    public static async Task<double[]> ScoreAsync(IDetector detector, ImageBatch images, DetectionContext context, CancellationToken cancellationToken, int chunk = DefaultChunk)
    {
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunk, 1);
        var scores = new double[images.Count];
        for (var start = 0; start < images.Count; start += chunk)
        {
            var count = Math.Min(chunk, images.Count - start);
            var result = await detector.ScoreAsync(images.Slice(start, count), context, cancellationToken).ConfigureAwait(false);
            if (result.ImageScores.Count != count)
            {
                throw new InvalidOperationException($"the detector returned {result.ImageScores.Count} scores for {count} images");
            }

            for (var i = 0; i < count; i++)
            {
                scores[start + i] = result.ImageScores[i];
            }
        }

        return scores;
    }
}
