using NeuralSec.Detectors.Detection;

namespace NeuralSec.Detectors.Calibration;

/// <summary>
/// Thresholds from benign scores at a target false-positive rate — the numbers <c>neuralsec calibrate</c> writes into the
/// policy. Scores are flagged strictly beyond the threshold (<see cref="DetectorResult.IsBeyond"/>), so on the calibration set
/// (without ties) exactly ⌊n·FPR⌋ benign scores are flagged by the empirical rules.
/// </summary>
public static class ThresholdCalibrator
{
    // n·(1 − FPR) is often meant to be an integer (100 · 0.95) but lands a hair above it in binary; that must not move the rank.
    private const double RankSlack = 1e-9;

    /// <summary>High-is-suspicious rule (Feature Squeezing, MagNet): with benign scores sorted ascending, the value at rank
    /// ⌈n·(1 − FPR)⌉ (1-based); flag iff score &gt; threshold.</summary>
    public static double ForHighScores(IReadOnlyList<double> benign, double targetFpr)
    {
        var sorted = Sorted(benign, targetFpr);
        var rank = (int)Math.Ceiling((sorted.Length * (1 - targetFpr)) - RankSlack);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }

    /// <summary>Low-is-suspicious rule (STRIP), empirical: the value at rank ⌊n·FPR⌋ + 1 (1-based) of the ascending benign
    /// scores, so the ⌊n·FPR⌋ lowest are below it; flag iff score &lt; threshold.</summary>
    public static double ForLowScores(IReadOnlyList<double> benign, double targetFpr)
    {
        var sorted = Sorted(benign, targetFpr);
        var below = (int)Math.Floor((sorted.Length * targetFpr) + RankSlack);
        return sorted[Math.Clamp(below, 0, sorted.Length - 1)];
    }

    /// <summary>STRIP's reference rule: fit N(μ, σ) to the benign scores (scipy norm.fit: mean and population σ) and return
    /// Φ⁻¹(FRR; μ, σ); flag iff score &lt; threshold.</summary>
    public static double ForLowScoresNormalFit(IReadOnlyList<double> benign, double targetFrr)
    {
        var (mean, std) = NormalFit(Sorted(benign, targetFrr));
        return mean + (std * NormalDistribution.InverseCdf(targetFrr));
    }

    /// <summary>High-is-suspicious counterpart of the normal fit: Φ⁻¹(1 − FPR; μ, σ); flag iff score &gt; threshold.</summary>
    public static double ForHighScoresNormalFit(IReadOnlyList<double> benign, double targetFpr)
    {
        var (mean, std) = NormalFit(Sorted(benign, targetFpr));
        return mean + (std * NormalDistribution.InverseCdf(1 - targetFpr));
    }

    /// <summary>The threshold for a detector whose direction is <paramref name="flagsBelowThreshold"/> (from its
    /// <see cref="Catalog.DefenseDefinition"/> or <see cref="IDetector"/>).</summary>
    public static double Calibrate(IReadOnlyList<double> benign, double targetFpr, bool flagsBelowThreshold, ThresholdMethod method = ThresholdMethod.EmpiricalQuantile) =>
        (flagsBelowThreshold, method) switch
        {
            (false, ThresholdMethod.EmpiricalQuantile) => ForHighScores(benign, targetFpr),
            (false, ThresholdMethod.NormalFit) => ForHighScoresNormalFit(benign, targetFpr),
            (true, ThresholdMethod.EmpiricalQuantile) => ForLowScores(benign, targetFpr),
            (true, ThresholdMethod.NormalFit) => ForLowScoresNormalFit(benign, targetFpr),
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
        };

    /// <summary>Expected false-positive rate on <paramref name="benign"/> and detection rate on <paramref name="adversarial"/>
    /// at <paramref name="threshold"/>.</summary>
    public static CalibrationReport Evaluate(IReadOnlyList<double> benign, IReadOnlyList<double> adversarial, double threshold, bool flagsBelowThreshold)
    {
        ArgumentNullException.ThrowIfNull(benign);
        ArgumentNullException.ThrowIfNull(adversarial);
        return new CalibrationReport(
            threshold,
            flagsBelowThreshold,
            Rate(benign, threshold, flagsBelowThreshold),
            Rate(adversarial, threshold, flagsBelowThreshold),
            benign.Count,
            adversarial.Count);
    }

    private static double Rate(IReadOnlyList<double> scores, double threshold, bool flagsBelow) =>
        scores.Count == 0 ? double.NaN : (double)scores.Count(s => DetectorResult.IsBeyond(s, threshold, flagsBelow)) / scores.Count;

    private static double[] Sorted(IReadOnlyList<double> benign, double rate)
    {
        ArgumentNullException.ThrowIfNull(benign);
        if (benign.Count == 0)
        {
            throw new ArgumentException("calibration needs at least one benign score", nameof(benign));
        }

        if (benign.Any(s => !double.IsFinite(s)))
        {
            throw new ArgumentException("benign scores must be finite numbers", nameof(benign));
        }

        if (!(rate is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "the target rate must be in [0, 1)");
        }

        var sorted = benign.ToArray();
        Array.Sort(sorted);
        return sorted;
    }

    private static (double Mean, double Std) NormalFit(double[] scores)
    {
        var mean = scores.Average();
        var variance = scores.Sum(s => (s - mean) * (s - mean)) / scores.Length;
        return (mean, Math.Sqrt(variance));
    }
}
