namespace NeuralSec.Detectors.Calibration;

/// <summary>How a threshold is derived from benign scores.</summary>
public enum ThresholdMethod
{
    /// <summary>An order statistic of the benign scores (Feature Squeezing's rank rule; exact on the calibration set).</summary>
    EmpiricalQuantile,

    /// <summary>Fit a normal distribution (maximum likelihood: mean, population σ) and take its quantile — STRIP's reference
    /// rule Φ⁻¹(FRR; μ, σ). Smooth with few samples; only as good as the normality of the scores.</summary>
    NormalFit,
}
