namespace NeuralSec.Detectors.Preprocessing.Median;

/// <summary>Validated options of <see cref="MedianPreprocessor"/>: a <c>Size</c>×<c>Size</c> window.</summary>
internal sealed record MedianOptions(int Size);
