namespace NeuralSec.Detectors.Stream;

/// <summary>The Shapiro–Wilk normality statistic W by Royston's approximation (Royston 1992, 1995; algorithm AS R94, the one
/// behind scipy.stats.shapiro and R's shapiro.test), for 3 ≤ n ≤ 5000.</summary>
public static class ShapiroWilk
{
    public const int MinimumCount = 3;
    public const int MaximumCount = 5000;

    /// <summary>W in (0, 1] of the sample (any order); 1 when the sample is exactly normal-shaped, low when it is not.</summary>
    /// <exception cref="ArgumentException">Fewer than 3 or more than 5000 values, a non-finite value, or all values equal.</exception>
    public static double W(ReadOnlySpan<double> sample) => throw new NotImplementedException();
}
