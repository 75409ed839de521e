using Microsoft.ML.OnnxRuntime;
using NeuralSec.Detectors;
using NeuralSec.Detectors.Detection;
using NeuralSec.Detectors.Images;
using NeuralSec.Gateway.Defenses;

namespace NeuralSec.Gateway.Calibration;

/// <summary>Scores every image of a set with one detector, as the request path would score them one request at a
/// time, but batched: a few model calls instead of thousands.</summary>
internal static class DetectorScoring
{
    /// <summary>Images per detector call. The model calls are this times the detector's fan-out (squeezers + 1,
    /// STRIP's samples), so it is kept to a size ONNX Runtime handles without a memory spike.</summary>
    public const int BatchSize = 64;

    /// <summary>One score per image, in order.</summary>
    /// <exception cref="CalibrationException">The detector failed or produced a score that is not a number.</exception>
    public static async Task<double[]> ScoreAsync(CompiledDetector detector, int index, ImageBatch images, DetectionContext context, CancellationToken cancellationToken)
    {
        var scores = new double[images.Count];
        for (var start = 0; start < images.Count; start += BatchSize)
        {
            var count = Math.Min(BatchSize, images.Count - start);
            DetectorResult result;
            try
            {
                result = await detector.Detector.ScoreAsync(images.Slice(start, count), context, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidOperationException or InvalidDataException or ImageTensorException or OnnxRuntimeException or ArgumentException or DefenseConfigurationException)
            {
                throw new CalibrationException($"{detector.Spec.Location}: detect[{index}] {detector.Spec.Type} failed: {ex.Message}", ex);
            }

            if (result.ImageScores.Count != count)
            {
                throw new CalibrationException($"detect[{index}] {detector.Spec.Type} returned {result.ImageScores.Count} scores for {count} images");
            }

            for (var i = 0; i < count; i++)
            {
                var score = result.ImageScores[i];
                scores[start + i] = double.IsFinite(score)
                    ? score
                    : throw new CalibrationException($"detect[{index}] {detector.Spec.Type} scored image {start + i} as {score}; calibration needs finite scores");
            }
        }

        return scores;
    }
}
