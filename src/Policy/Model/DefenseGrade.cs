namespace NeuralSec.Policy.Model;

/// <summary>
/// One entry of a detect entry's <c>grades:</c>: a score beyond <see cref="Threshold"/> gets <see cref="Action"/>
/// instead of the entry's own action. Grades let a score just over the calibrated threshold be answered more gently
/// (alert, repair) than one far over it (block).
/// </summary>
public sealed record DefenseGrade(double Threshold, DefenseAction Action)
{
    /// <summary><c>fpr:</c> the benign rate this grade was calibrated at, when <c>neuralsec calibrate</c> set it.</summary>
    public double? TargetFpr { get; init; }
}
