namespace NeuralSec.Detectors.Preprocessing.GaussianBlur;

/// <summary>Validated options of <see cref="GaussianBlurPreprocessor"/>: standard deviation in pixels.</summary>
internal sealed record GaussianBlurOptions(double Sigma);
