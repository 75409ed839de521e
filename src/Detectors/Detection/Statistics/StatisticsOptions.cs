namespace NeuralSec.Detectors.Detection.Statistics;

/// <summary>Validated options of <see cref="StatisticsDetector"/>: the features and their benign mean and standard deviation
/// (same order, written by calibration), and the mid-grey band.</summary>
internal sealed record StatisticsOptions(IReadOnlyList<ImageFeature> Features, IReadOnlyList<double> BenignMean, IReadOnlyList<double> BenignStd, double GreyLow, double GreyHigh);
