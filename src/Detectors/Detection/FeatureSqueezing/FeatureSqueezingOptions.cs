namespace NeuralSec.Detectors.Detection.FeatureSqueezing;

/// <summary>Validated options of <see cref="FeatureSqueezingDetector"/>: the squeezer names, in order.</summary>
internal sealed record FeatureSqueezingOptions(IReadOnlyList<string> Squeezers);
