namespace NeuralSec.Policy.Editing;

/// <summary>What calibration writes into <c>spec.detect[Index]</c>: its threshold and, for the <c>statistics</c>
/// detector, the fitted benign feature means and standard deviations.</summary>
public sealed record DetectorUpdate(int Index, double Threshold)
{
    public IReadOnlyList<double>? BenignMean { get; init; }

    public IReadOnlyList<double>? BenignStd { get; init; }

    /// <summary>New thresholds for entries of the detector's <c>grades</c> (those with an <c>fpr</c>), by position.</summary>
    public IReadOnlyList<(int Grade, double Threshold)> GradeThresholds { get; init; } = [];
}
