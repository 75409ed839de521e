using NeuralSec.Detectors;
using NeuralSec.Detectors.Calibration;
using NeuralSec.Detectors.Detection;
using NeuralSec.Detectors.Images;
using NeuralSec.RedTeam.Attacks;
using NeuralSec.RedTeam.Models;

namespace NeuralSec.RedTeam.Evaluation;

/// <summary>
/// Section 1 of the report: the input detectors against FGSM/PGD on the undefended classifier <c>mnist</c>. Detectors are
/// built by <see cref="DefenseFactory"/> from the options a policy would carry and scored through <see cref="IModelRunner"/>
/// exactly as on the request path.
/// </summary>
internal static class DetectionEvaluation
{
    public static IReadOnlyList<DetectorUnderTest> BuildDetectors(EvaluationData data)
    {
        var baseline = StatisticsBaseline.Fit(Batch(data.Calibration.Images));
        var fs = new Dictionary<string, object>(StringComparer.Ordinal) { ["squeezers"] = new[] { "bitDepth1", "median2" } };
        return
        [
            new("featureSqueezing", "squeezers [bitDepth1, median2]", DefenseFactory.CreateDetector("featureSqueezing", fs), true),
            new("reconstructionError p=2", "autoencoder mnist-autoencoder, metric error, p 2", DefenseFactory.CreateDetector("reconstructionError", Ae(2)), true),
            new("reconstructionError p=1", "autoencoder mnist-autoencoder, metric error, p 1", DefenseFactory.CreateDetector("reconstructionError", Ae(1)), false),
            new("statistics", $"features [{string.Join(", ", baseline.Features)}], fitted on the calibration half", DefenseFactory.CreateDetector("statistics", baseline.ToOptions()), true),
        ];

        static Dictionary<string, object> Ae(long p) => new(StringComparer.Ordinal) { ["autoencoder"] = FixtureModels.Autoencoder, ["metric"] = "error", ["p"] = p };
    }

    public static async Task<DetectionResults> RunAsync(EvaluationData data, FixtureModels models, IReadOnlyList<AdversarialBatch> attacks, Progress progress, CancellationToken ct)
    {
        var detectors = BuildDetectors(data);
        var context = Context(models);
        async Task<double[][]> ScoreAll(float[] images)
        {
            // One detector at a time: the lab network serves one forward pass at a time anyway.
            var scores = new double[detectors.Count][];
            for (var d = 0; d < detectors.Count; d++)
            {
                scores[d] = await DetectorScoring.ScoreAsync(detectors[d].Detector, Digits.AsBatch(images), context, ct, chunk: 500).ConfigureAwait(false);
            }

            return scores;
        }

        var calibration = await ScoreAll(data.Calibration.Images).ConfigureAwait(false);
        var evaluation = await ScoreAll(data.Evaluation.Images).ConfigureAwait(false);
        progress.Step("benign scores (both halves, 4 detectors)");
        var scored = new List<AttackScores>();
        foreach (var batch in attacks)
        {
            scored.Add(new AttackScores(batch, await ScoreAll(batch.SuccessfulImages()).ConfigureAwait(false)));
        }

        progress.Step($"detector scores on {scored.Sum(s => s.Batch.SuccessCount)} successful adversarial examples");
        return new DetectionResults { Detectors = detectors, BenignCalibration = calibration, BenignEvaluation = evaluation, Attacks = scored };
    }

    public static DetectionContext Context(FixtureModels models, Random? random = null) =>
        new(models.Get(FixtureModels.Classifier), random ?? new Random(0), name => name == FixtureModels.Autoencoder ? models.Get(name) : null);

    private static ImageBatch Batch(float[] images) => new(images, images.Length / AdversarialBatch.Pixels, 1, 28, 28);
}
