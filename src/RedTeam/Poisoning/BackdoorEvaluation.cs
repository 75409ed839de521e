using NeuralSec.Lab.Training;
using NeuralSec.RedTeam.Evaluation;
using NeuralSec.RedTeam.Models;

namespace NeuralSec.RedTeam.Poisoning;

/// <summary>
/// BadNets at inference: the committed twin <c>mnist-backdoor</c> (8 % of its training digits stamped with a 4×4 white square
/// at rows/cols 22–25 and relabelled 7), its attack success and clean accuracy on the whole test split, and what each runtime
/// detector flags when the twin is the served model — STRIP as the example policy configures it (committed 100-digit pool,
/// <c>clip: true</c>), through <see cref="StripEvaluation"/>, and the input detectors of <see cref="DetectionEvaluation"/>.
/// </summary>
internal static class BackdoorEvaluation
{
    public const string CleanSet = "clean, evaluation half";
    public const string TriggeredSet = "triggered (classes ≠ 7), evaluation half";

    public static async Task<BackdoorResults> RunAsync(EvaluationData data, FixtureModels models, PoisoningSettings settings, int seed, Progress progress, CancellationToken ct)
    {
        var backdoor = models.Get(FixtureModels.Backdoor);
        var mnist = models.Get(FixtureModels.Classifier);
        var test = data.Dataset.Test;
        var triggeredTest = BackdoorTrigger.TriggeredNonTarget(test);
        double AsTarget(NetworkModelRunner model) =>
            (double)Classify.Predict(model.Network, triggeredTest.Images).Count(p => p == BackdoorTrigger.TargetClass) / triggeredTest.Count;

        var detectors = new List<DetectorFlags>();
        var strip = await StripEvaluation.RunAsync(data, models, StripPool.CommittedSize, settings.StripSamples, clip: true, seed, progress, ct).ConfigureAwait(false);
        var stripOptions = $"pool: committed {StripPool.CommittedSize} digits, samples: {settings.StripSamples}, clip: true; on mnist-backdoor";
        detectors.Add(StripFlags(strip, stripOptions, Rates.Threshold(strip.CleanCalibration, RuntimeScoring.Fpr, flagsBelow: true), RuntimeScoring.CalibrationSource(strip.CleanCalibration.Length)));
        if (ShippedStripPolicy.Threshold() is { } shipped)
        {
            detectors.Add(StripFlags(strip, stripOptions, shipped, $"{ShippedStripPolicy.RelativePath} as shipped (calibrated with 100 samples)"));
        }

        var triggered = BackdoorTrigger.TriggeredNonTarget(data.Evaluation);
        var context = RuntimeScoring.Context(backdoor, models, seed);
        foreach (var detector in DetectionEvaluation.BuildDetectors(data))
        {
            var calibration = await RuntimeScoring.ScoreAsync(detector.Detector, data.Calibration.Images, context, ct).ConfigureAwait(false);
            var threshold = RuntimeScoring.Threshold(calibration, detector.Detector);
            var below = detector.Detector.FlagsBelowThreshold;
            detectors.Add(new DetectorFlags
            {
                Detector = detector.Name,
                Options = $"{detector.Options}; on mnist-backdoor",
                Threshold = threshold,
                ThresholdSource = RuntimeScoring.CalibrationSource(calibration.Length),
                Sets =
                [
                    RuntimeScoring.Count(CleanSet, await RuntimeScoring.ScoreAsync(detector.Detector, data.Evaluation.Images, context, ct).ConfigureAwait(false), threshold, below),
                    RuntimeScoring.Count(TriggeredSet, await RuntimeScoring.ScoreAsync(detector.Detector, triggered.Images, context, ct).ConfigureAwait(false), threshold, below),
                ],
            });
        }

        progress.Step($"BadNets: {detectors.Count} detector rows on {data.Evaluation.Count} clean and {triggered.Count} triggered digits");
        return new BackdoorResults
        {
            TargetClass = BackdoorTrigger.TargetClass,
            TriggeredDigits = triggeredTest.Count,
            AttackSuccessRate = AsTarget(backdoor),
            CleanModelTriggeredAsTarget = AsTarget(mnist),
            CleanAccuracy = Classify.Accuracy(backdoor.Network, test.Images, test.Labels),
            CleanModelAccuracy = Classify.Accuracy(mnist.Network, test.Images, test.Labels),
            DetectorDigits = data.Calibration.Count,
            StripSamples = settings.StripSamples,
            Detectors = detectors,
        };
    }

    private static DetectorFlags StripFlags(StripResults strip, string options, double threshold, string source) => new()
    {
        Detector = "strip",
        Options = options,
        Threshold = threshold,
        ThresholdSource = source,
        Sets =
        [
            RuntimeScoring.Count(CleanSet, strip.CleanEvaluation, threshold, flagsBelow: true),
            RuntimeScoring.Count(TriggeredSet, strip.Triggered, threshold, flagsBelow: true),
        ],
    };
}
