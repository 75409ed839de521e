namespace NeuralSec.Detectors.Preprocessing.RandomResizePad;

/// <summary>Validated options of <see cref="RandomResizePadPreprocessor"/>.</summary>
/// <param name="MinScale">Smallest resized side as a fraction of the input side.</param>
/// <param name="PadValue">Fill of the padding, in pixel units [0, 1].</param>
/// <param name="Interpolation">How the image is resized.</param>
internal sealed record RandomResizePadOptions(double MinScale, double PadValue, ResizeInterpolation Interpolation);
