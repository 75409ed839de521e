namespace NeuralSec.Detectors.Preprocessing.Jpeg;

/// <summary>Validated options of <see cref="JpegPreprocessor"/>: encoder quality 1–100.</summary>
internal sealed record JpegOptions(int Quality);
