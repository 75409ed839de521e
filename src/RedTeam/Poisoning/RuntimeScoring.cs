using NeuralSec.Detectors.Detection;
using NeuralSec.RedTeam.Evaluation;
using NeuralSec.RedTeam.Models;

namespace NeuralSec.RedTeam.Poisoning;

/// <summary>
/// The runtime detectors as the sidecar runs them: scored through <see cref="DetectorScoring"/> (as <c>neuralsec calibrate</c>
/// scores a set), thresholds from clean calibration-half digits at <see cref="Fpr"/> by the library's rule (empirical quantile,
/// the calibrate command's default), flags by <see cref="Rates"/>.
/// </summary>
internal static class RuntimeScoring
{
    /// <summary>Clean inputs each detector may flag: the repository's target rate (for STRIP: FRR).</summary>
    public const double Fpr = 0.01;

    public static async Task<double[]> ScoreAsync(IDetector detector, float[] images, DetectionContext context, CancellationToken ct) =>
        images.Length == 0
            ? []
            : await DetectorScoring.ScoreAsync(detector, Digits.AsBatch(images), context, ct, chunk: detector.Type == "strip" ? StripDiagnostics.Chunk : 500).ConfigureAwait(false);

    public static double Threshold(IReadOnlyList<double> cleanCalibration, IDetector detector) =>
        Rates.Threshold(cleanCalibration, Fpr, detector.FlagsBelowThreshold);

    public static FlagRate Count(string set, IReadOnlyList<double> scores, double threshold, bool flagsBelow) =>
        new() { Set = set, Count = scores.Count, Flagged = Rates.Flags(scores, threshold, flagsBelow).Count(f => f) };

    /// <summary>A context serving <paramref name="model"/>, with the fixture autoencoder as the one auxiliary model.</summary>
    public static DetectionContext Context(IModelRunner model, FixtureModels models, int seed) =>
        new(model, new Random(seed), name => name == FixtureModels.Autoencoder ? models.Get(name) : null);

    public static string CalibrationSource(int digits) =>
        $"{Fpr:P0} of {digits:N0} clean calibration-half digits (empirical quantile, as `neuralsec calibrate`)";
}
