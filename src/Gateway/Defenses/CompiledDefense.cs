using NeuralSec.Detectors.Catalog;
using NeuralSec.Detectors.Detection;
using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.Defenses;

/// <summary>A policy's detector entry, built: the detector, its catalog definition and its policy settings.</summary>
internal sealed record CompiledDetector(DefenseSpec Spec, DefenseDefinition Definition, IDetector Detector)
{
    /// <summary>The calibrated threshold; a detector without one scores (for metrics and calibration) but never flags.</summary>
    public double? Threshold => Spec.Threshold;
}
