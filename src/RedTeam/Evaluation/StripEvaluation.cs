using NeuralSec.Data;
using NeuralSec.Detectors;
using NeuralSec.Detectors.Detection;
using NeuralSec.Lab.Training;
using NeuralSec.RedTeam.Models;

namespace NeuralSec.RedTeam.Evaluation;

/// <summary>
/// STRIP (Gao et al.) against <c>mnist-backdoor</c>: entropies of clean calibration-half digits give the 1 % FRR thresholds
/// (empirical quantile and the reference's normal fit); FRR is re-measured on clean evaluation-half digits and FAR on
/// evaluation-half digits of classes ≠ 7 stamped with the card's trigger (4×4 white square, rows/cols 22–25). Scored through
/// the detector itself, with the policy option <c>clip</c> as given.
/// </summary>
internal static class StripEvaluation
{
    /// <summary>The <c>strip</c> detector as a policy configures it, over the first <paramref name="poolSize"/> digits of
    /// <see cref="MnistDataset.StripPool"/> (100 = the committed pool file).</summary>
    public static IDetector Detector(MnistDataset dataset, int poolSize, int samples, bool clip)
    {
        var pool = StripPool.FromDataset(dataset, poolSize);
        var options = new Dictionary<string, object>(StringComparer.Ordinal) { ["pool"] = "strip-pool.nsimg.gz", ["samples"] = (long)samples, ["clip"] = clip };
        return DefenseFactory.CreateDetector("strip", options, new DefenseResources { LoadImages = _ => pool });
    }

    public static async Task<StripResults> RunAsync(EvaluationData data, FixtureModels models, int poolSize, int samples, bool clip, int seed, Progress progress, CancellationToken ct)
    {
        var backdoor = models.Get(FixtureModels.Backdoor);
        var detector = Detector(data.Dataset, poolSize, samples, clip);

        // Each set gets its own seeded overlay stream, so adding a set never shifts another set's draws.
        async Task<double[]> Score(float[] images, int stream, IModelRunner model) =>
            await DetectorScoring.ScoreAsync(detector, Digits.AsBatch(images), new DetectionContext(model, new Random(seed + stream)), ct, chunk: StripDiagnostics.Chunk).ConfigureAwait(false);

        var triggered = BackdoorTrigger.TriggeredNonTarget(data.Evaluation);
        var calibration = await Score(data.Calibration.Images, 1, backdoor).ConfigureAwait(false);
        var evaluation = await Score(data.Evaluation.Images, 2, backdoor).ConfigureAwait(false);
        var tally = new TargetTallyRunner(backdoor, BackdoorTrigger.TargetClass);
        var attacked = await Score(triggered.Images, 3, tally).ConfigureAwait(false);
        var asr = Classify.Predict(backdoor.Network, triggered.Images).Count(p => p == BackdoorTrigger.TargetClass) / (double)triggered.Count;
        progress.Step($"STRIP (pool {poolSize}, clip {clip}) entropies: {calibration.Length} + {evaluation.Length} clean, {attacked.Length} triggered, {samples} overlays each");
        return new StripResults
        {
            PoolSize = poolSize,
            Samples = samples,
            Clip = clip,
            CleanCalibration = calibration,
            CalibrationLabels = data.Calibration.Labels,
            CleanEvaluation = evaluation,
            Triggered = attacked,
            TriggeredLabels = triggered.Labels,
            TriggeredBlendsOnTarget = tally.Share,
            AttackSuccessRate = asr,
            CleanAccuracy = Classify.Accuracy(backdoor.Network, data.Evaluation.Images, data.Evaluation.Labels),
        };
    }
}
