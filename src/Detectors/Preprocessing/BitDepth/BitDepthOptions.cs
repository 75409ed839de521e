namespace NeuralSec.Detectors.Preprocessing.BitDepth;

/// <summary>Validated options of <see cref="BitDepthPreprocessor"/>.</summary>
internal sealed record BitDepthOptions(int Bits);
