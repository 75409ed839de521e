using NeuralSec.Detectors.Calibration;

namespace NeuralSec.Detectors.Tests.Calibration;

public sealed class ThresholdCalibratorTests
{
    private static readonly double[] OneToTwenty = Enumerable.Range(1, 20).Select(i => (double)i).Reverse().ToArray();

    [Theory]
    [InlineData(0.05, 19)] // rank ⌈20·0.95⌉ = 19
    [InlineData(0.10, 18)] // rank 18
    [InlineData(0.12, 18)] // ⌈17.6⌉ = 18
    [InlineData(0.0, 20)]  // nothing flagged: the maximum
    public void HighScores_ValueAtRankCeilNTimesOneMinusFpr(double fpr, double expected)
    {
        Assert.Equal(expected, ThresholdCalibrator.ForHighScores(OneToTwenty, fpr));
    }

    [Fact]
    public void HighScores_ExactRank_OnHundredSamples()
    {
        // 100·(1 − 0.05) is 95 in decimal but not in binary; the rank must still be 95, not 96.
        var scores = Enumerable.Range(1, 100).Select(i => i / 1000.0).ToArray();

        var threshold = ThresholdCalibrator.ForHighScores(scores, 0.05);
        var report = ThresholdCalibrator.Evaluate(scores, [0.2, 0.05], threshold, flagsBelowThreshold: false);

        Assert.Equal(0.095, threshold);
        Assert.Equal(0.05, report.FalsePositiveRate, 10);
        Assert.Equal(0.5, report.DetectionRate);
    }

    [Theory]
    [InlineData(0.05, 2)] // ⌊20·0.05⌋ = 1 below: threshold is the 2nd smallest
    [InlineData(0.10, 3)]
    [InlineData(0.0, 1)]  // nothing below the minimum
    public void LowScores_Empirical_FlagsFloorNTimesFprLowest(double fpr, double expected)
    {
        var threshold = ThresholdCalibrator.ForLowScores(OneToTwenty, fpr);
        var report = ThresholdCalibrator.Evaluate(OneToTwenty, [], threshold, flagsBelowThreshold: true);

        Assert.Equal(expected, threshold);
        Assert.Equal(Math.Floor(20 * fpr) / 20, report.FalsePositiveRate, 10);
        Assert.True(double.IsNaN(report.DetectionRate));
    }

    [Fact]
    public void LowScores_NormalFit_IsMuPlusSigmaTimesInverseCdf()
    {
        // μ = 3, population σ = √2 (scipy norm.fit).
        double[] scores = [1, 2, 3, 4, 5];

        var threshold = ThresholdCalibrator.ForLowScoresNormalFit(scores, 0.01);

        Assert.Equal(3 + (Math.Sqrt(2) * -2.3263478740408408), threshold, 10);
        Assert.Equal(threshold, ThresholdCalibrator.Calibrate(scores, 0.01, flagsBelowThreshold: true, ThresholdMethod.NormalFit));
    }

    [Theory]
    [InlineData(0.5, 0.0)]
    [InlineData(0.975, 1.959963984540054)]
    [InlineData(0.01, -2.3263478740408408)]
    [InlineData(0.3, -0.5244005127080407)]
    [InlineData(1e-10, -6.361340902404056)]
    public void InverseNormalCdf_MatchesScipy(double p, double expected)
    {
        Assert.Equal(expected, NormalDistribution.InverseCdf(p), 12);
    }

    [Fact]
    public void Rejects_EmptyOrNonFiniteScores_AndBadRates()
    {
        Assert.Throws<ArgumentException>(() => ThresholdCalibrator.ForHighScores([], 0.05));
        Assert.Throws<ArgumentException>(() => ThresholdCalibrator.ForHighScores([double.NaN], 0.05));
        Assert.Throws<ArgumentOutOfRangeException>(() => ThresholdCalibrator.ForHighScores([1], 1.0));
    }
}
