using NeuralSec.Detectors.Catalog;
using NeuralSec.Detectors.Detection;
using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.Defenses;

/// <summary>A policy's detector entry, built: the detector, its catalog definition and its policy settings.</summary>
internal sealed record CompiledDetector(DefenseSpec Spec, DefenseDefinition Definition, IDetector Detector)
{
    /// <summary>The calibrated threshold; a detector without one scores (for metrics and calibration) but never flags.</summary>
    public double? Threshold => Spec.Threshold;

    /// <summary>The grade a score reaches: the last of the entry's own threshold and its <c>grades</c> that the score is
    /// beyond, with that grade's threshold and action; null when it is beyond none (not flagged).</summary>
    public (double Threshold, DefenseAction Action)? Grade(DetectorResult result)
    {
        if (Threshold is not { } threshold || !result.IsFlagged(threshold))
        {
            return null;
        }

        var grade = (threshold, Spec.Action);
        foreach (var next in Spec.Grades)
        {
            if (!result.IsFlagged(next.Threshold))
            {
                break;
            }

            grade = (next.Threshold, next.Action);
        }

        return grade;
    }
}
