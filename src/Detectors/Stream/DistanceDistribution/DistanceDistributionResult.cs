namespace NeuralSec.Detectors.Stream;

/// <summary>What one observed query did to a client's PRADA state.</summary>
/// <param name="Evaluated">The test ran on this query.</param>
/// <param name="W">Shapiro–Wilk W of the last test (sticky between tests); NaN until the first test.</param>
/// <param name="Pooled">Distances the last test pooled.</param>
public readonly record struct DistanceDistributionResult(bool Evaluated, double W, int Pooled);
