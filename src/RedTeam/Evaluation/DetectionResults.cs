using NeuralSec.RedTeam.Attacks;

namespace NeuralSec.RedTeam.Evaluation;

/// <summary>Scores of every detector on both benign halves and on each attack's successful adversarial examples, and the
/// rates derived from them: thresholds from the calibration half only, FPR on the evaluation half's benign digits.</summary>
internal sealed class DetectionResults
{
    public required IReadOnlyList<DetectorUnderTest> Detectors { get; init; }

    /// <summary>[detector][calibration-half digit].</summary>
    public required double[][] BenignCalibration { get; init; }

    /// <summary>[detector][evaluation-half digit].</summary>
    public required double[][] BenignEvaluation { get; init; }

    public required IReadOnlyList<AttackScores> Attacks { get; init; }

    public IReadOnlyList<int> CombinationMembers => Enumerable.Range(0, Detectors.Count).Where(d => Detectors[d].InCombination).ToArray();

    public double Threshold(int detector, double fpr) =>
        Rates.Threshold(BenignCalibration[detector], fpr, Detectors[detector].Detector.FlagsBelowThreshold);

    public double FalsePositiveRate(int detector, double fpr) => Rates.Fraction(Flags(detector, BenignEvaluation[detector], fpr));

    public double DetectionRate(int attack, int detector, double fpr) => Rates.Fraction(Flags(detector, Attacks[attack].Scores[detector], fpr));

    /// <summary>The combination splits the FPR budget evenly: each of its k members is calibrated at FPR/k, so by the union
    /// bound at most FPR of the calibration digits are flagged by any of them.</summary>
    public double MemberFpr(double fpr) => fpr / CombinationMembers.Count;

    public double CombinationFalsePositiveRate(double fpr) => Rates.Fraction(CombinationFlags(BenignEvaluation, fpr));

    public double CombinationDetectionRate(int attack, double fpr) => Rates.Fraction(CombinationFlags(Attacks[attack].Scores, fpr));

    /// <summary>Detection over the successful adversarial examples of every attack together.</summary>
    public double PooledDetectionRate(int detector, double fpr)
    {
        var flags = Attacks.SelectMany(a => Flags(detector, a.Scores[detector], fpr)).ToArray();
        return Rates.Fraction(flags);
    }

    public int PooledCount => Attacks.Sum(a => a.Batch.SuccessCount);

    private bool[] Flags(int detector, double[] scores, double fpr) =>
        Rates.Flags(scores, Threshold(detector, fpr), Detectors[detector].Detector.FlagsBelowThreshold);

    private bool[] CombinationFlags(double[][] scores, double fpr) =>
        Rates.Any(CombinationMembers.Select(d => Flags(d, scores[d], MemberFpr(fpr))).ToArray());
}

/// <summary>One attack's adversarial digits and each detector's scores on its successful ones.</summary>
internal sealed record AttackScores(AdversarialBatch Batch, double[][] Scores);
