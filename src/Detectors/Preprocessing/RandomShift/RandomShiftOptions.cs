namespace NeuralSec.Detectors.Preprocessing.RandomShift;

/// <summary>Validated options of <see cref="RandomShiftPreprocessor"/>: largest shift in pixels per axis, and the fill of
/// uncovered pixels in pixel units.</summary>
internal sealed record RandomShiftOptions(int MaxShift, double PadValue);
