using NeuralSec.Detectors.Calibration;
using NeuralSec.Detectors.Detection;
using NeuralSec.Policy.Editing;
using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.Calibration;

/// <summary>One detect entry, calibrated: its threshold, the scores it was derived from and what it does on each set.</summary>
/// <param name="Index">Position in <c>spec.detect</c>.</param>
/// <param name="AdversarialScores">One score array per adversarial set, in the order given.</param>
/// <param name="Baseline">For <c>statistics</c>: the fitted benign feature means and deviations.</param>
internal sealed record DetectorCalibration(
    int Index,
    DefenseSpec Spec,
    bool FlagsBelowThreshold,
    double Threshold,
    IReadOnlyList<double> BenignScores,
    IReadOnlyList<IReadOnlyList<double>> AdversarialScores,
    StatisticsBaseline? Baseline)
{
    /// <summary>Thresholds calibrated for the entry's grades that name a target rate (<c>fpr</c>), by grade position.</summary>
    public IReadOnlyList<(int Grade, double TargetFpr, double Threshold)> Grades { get; init; } = [];

    /// <summary>The expected false-positive rate (false-rejection rate for STRIP) on the benign set.</summary>
    public CalibrationReport Benign => ThresholdCalibrator.Evaluate(BenignScores, [], Threshold, FlagsBelowThreshold);

    /// <summary>Detection rate on adversarial set <paramref name="set"/> (with the benign FPR beside it).</summary>
    public CalibrationReport On(int set) => ThresholdCalibrator.Evaluate(BenignScores, AdversarialScores[set], Threshold, FlagsBelowThreshold);

    /// <summary>The rule the sidecar applies: strictly beyond the threshold.</summary>
    public bool Flags(double score) => DetectorResult.IsBeyond(score, Threshold, FlagsBelowThreshold);

    public DetectorUpdate ToUpdate() => new(Index, Threshold)
    {
        BenignMean = Baseline?.Mean,
        BenignStd = Baseline?.Std,
        GradeThresholds = Grades.Select(g => (g.Grade, g.Threshold)).ToArray(),
    };
}
