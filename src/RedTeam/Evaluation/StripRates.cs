using NeuralSec.Detectors.Calibration;

namespace NeuralSec.RedTeam.Evaluation;

/// <summary>STRIP's rates at one threshold rule: the threshold from clean calibration-half scores only, at the report's FRR.</summary>
/// <param name="Threshold">Normalised entropy below which an input is flagged.</param>
/// <param name="CalibrationFrr">Clean calibration digits flagged (in-sample).</param>
/// <param name="Frr">Clean evaluation digits flagged.</param>
/// <param name="Far">Triggered digits not flagged.</param>
internal sealed record StripRates(double Threshold, double CalibrationFrr, double Frr, double Far)
{
    public static StripRates At(IReadOnlyList<double> cleanCalibration, IReadOnlyList<double> cleanEvaluation, IReadOnlyList<double> triggered, double frr, ThresholdMethod method)
    {
        var threshold = Rates.Threshold(cleanCalibration, frr, flagsBelow: true, method);
        return new StripRates(
            threshold,
            Rates.Fraction(Rates.Flags(cleanCalibration, threshold, true)),
            Rates.Fraction(Rates.Flags(cleanEvaluation, threshold, true)),
            triggered.Count == 0 ? double.NaN : 1 - Rates.Fraction(Rates.Flags(triggered, threshold, true)));
    }

    /// <summary>Indices of the ⌊n·FRR⌋ lowest clean calibration scores: the digits the empirical threshold is set by.</summary>
    public static int[] Tail(IReadOnlyList<double> cleanCalibration, double frr) =>
        Enumerable.Range(0, cleanCalibration.Count).OrderBy(i => cleanCalibration[i]).ThenBy(i => i)
            .Take((int)Math.Floor((cleanCalibration.Count * frr) + 1e-9)).ToArray();
}
