namespace NeuralSec.Detectors.Preprocessing.GaussianNoise;

/// <summary>Validated options of <see cref="GaussianNoisePreprocessor"/>: noise standard deviation in pixel units and
/// whether the result is clipped to the pixel range.</summary>
internal sealed record GaussianNoiseOptions(double Sigma, bool Clip);
