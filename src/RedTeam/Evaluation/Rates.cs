using NeuralSec.Detectors.Calibration;
using NeuralSec.Detectors.Detection;

namespace NeuralSec.RedTeam.Evaluation;

/// <summary>Flag rates by the library's own rules, so the report uses exactly the gateway's comparison.</summary>
internal static class Rates
{
    public static double Threshold(IReadOnlyList<double> benignCalibration, double fpr, bool flagsBelow, ThresholdMethod method = ThresholdMethod.EmpiricalQuantile) =>
        ThresholdCalibrator.Calibrate(benignCalibration, fpr, flagsBelow, method);

    public static bool[] Flags(IReadOnlyList<double> scores, double threshold, bool flagsBelow) =>
        scores.Select(s => DetectorResult.IsBeyond(s, threshold, flagsBelow)).ToArray();

    public static double Fraction(IReadOnlyList<bool> flags) => flags.Count == 0 ? double.NaN : (double)flags.Count(f => f) / flags.Count;

    /// <summary>Element-wise OR of several detectors' flags on the same images.</summary>
    public static bool[] Any(IReadOnlyList<bool[]> flags)
    {
        var n = flags[0].Length;
        var result = new bool[n];
        for (var i = 0; i < n; i++)
        {
            result[i] = flags.Any(f => f[i]);
        }

        return result;
    }
}
