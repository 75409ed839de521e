namespace NeuralSec.Detectors.Preprocessing.NonLocalMeans;

/// <summary>Validated options of <see cref="NonLocalMeansPreprocessor"/>: odd search and block (patch) sides in pixels,
/// and the filter strength h in 0–255 intensity units as OpenCV's fastNlMeansDenoising takes it.</summary>
internal sealed record NonLocalMeansOptions(int SearchWindow, int BlockSize, double Strength);
