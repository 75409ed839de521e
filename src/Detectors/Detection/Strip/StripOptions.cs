namespace NeuralSec.Detectors.Detection.Strip;

/// <summary>Validated options of <see cref="StripDetector"/>.</summary>
/// <param name="Pool">File reference of the clean overlay images (resolved by the host).</param>
/// <param name="Samples">Blends per input image (N).</param>
/// <param name="Clip">Clip blended pixels to [0, 1] (the reference notebook does not).</param>
/// <param name="Normalize">Divide the mean entropy by log2(classes) so scores lie in [0, 1].</param>
internal sealed record StripOptions(string Pool, int Samples, bool Clip, bool Normalize);
