namespace NeuralSec.Detectors.Stream;

/// <summary>Options of <see cref="DistanceDistributionDetector"/> (policy <c>type: distanceDistribution</c>, PRADA).</summary>
/// <param name="SketchDimensions">k of the seeded Gaussian projection the distances are taken on; 0: the raw input.</param>
/// <param name="MaxPerClass">Cap on each class's growing set.</param>
/// <param name="MaxDistances">Ring of the most recent d_min values the test pools.</param>
/// <param name="MinDistances">Test only when more than this many distances are pooled.</param>
/// <param name="EvaluateEvery">Test every this many queries.</param>
/// <param name="MinPerClass">Pool a class's distances only when it has at least this many.</param>
/// <param name="MaxClasses">Predicted classes beyond this fold modulo (bounds the state).</param>
/// <param name="MinDistance">A query whose d_min is below this is a near-repeat and is not recorded; 0: all are.</param>
public sealed record DistanceDistributionOptions(
    int SketchDimensions = 64,
    int MaxPerClass = 32,
    int MaxDistances = 1000,
    int MinDistances = 100,
    int EvaluateEvery = 10,
    int MinPerClass = 10,
    int MaxClasses = 64,
    double MinDistance = 0);
