namespace NeuralSec.Detectors.Stream;

/// <summary>Options of <see cref="QueryCoverageDetector"/> (policy <c>type: queryCoverage</c>).</summary>
/// <param name="Window">The sliding window the score sums over.</param>
/// <param name="Buckets">Time buckets in the window (its resolution).</param>
/// <param name="MarginThreshold">top1 − top2 below it counts as a boundary-seeking query.</param>
/// <param name="BoundaryWeight">Extra weight of a boundary-seeking query.</param>
/// <param name="MaxClasses">Class ids beyond this fold modulo (bounds the state).</param>
public sealed record QueryCoverageOptions(TimeSpan Window, int Buckets = 12, double MarginThreshold = 0.2, double BoundaryWeight = 1.0, int MaxClasses = 64)
{
    public QueryCoverageOptions()
        : this(TimeSpan.FromHours(1))
    {
    }
}
