using Microsoft.ML.OnnxRuntime;
using NeuralSec.Detectors;
using NeuralSec.Detectors.Detection;
using NeuralSec.Detectors.Images;
using NeuralSec.Gateway.Defenses;

namespace NeuralSec.Gateway.Calibration;

/// <summary>Scores a calibration set with one policy detector (<see cref="Detectors.Detection.DetectorScoring"/>) and
/// turns what can go wrong into a <see cref="CalibrationException"/> that names the policy entry.</summary>
internal static class CalibrationScoring
{
    /// <summary>One finite score per image, in order.</summary>
    /// <exception cref="CalibrationException">The detector failed or produced a score that is not a number.</exception>
    public static async Task<double[]> ScoreAsync(CompiledDetector detector, int index, ImageBatch images, DetectionContext context, CancellationToken cancellationToken)
    {
        double[] scores;
        try
        {
            scores = await Detectors.Detection.DetectorScoring.ScoreAsync(detector.Detector, images, context, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or InvalidDataException or ImageTensorException or OnnxRuntimeException or ArgumentException or DefenseConfigurationException)
        {
            throw new CalibrationException($"{detector.Spec.Location}: detect[{index}] {detector.Spec.Type} failed: {ex.Message}", ex);
        }

        var bad = Array.FindIndex(scores, s => !double.IsFinite(s));
        return bad < 0
            ? scores
            : throw new CalibrationException($"detect[{index}] {detector.Spec.Type} scored image {bad} as {scores[bad]}; calibration needs finite scores");
    }
}
