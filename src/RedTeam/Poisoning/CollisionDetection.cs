using NeuralSec.Detectors.Detection;
using NeuralSec.RedTeam.Evaluation;
using NeuralSec.RedTeam.Models;

namespace NeuralSec.RedTeam.Poisoning;

/// <summary>
/// The runtime detectors against the feature-collision attack at inference: each target (an unmodified test digit) scored as a
/// request to its own poisoned victim. Thresholds come from clean calibration-half digits on the control fine-tune (the same
/// last-layer training without poisons), since one calibration per victim would cost a STRIP run each and the victims differ
/// from the control only by what k poisons did to one linear layer. The poisons are scored too, as if the training set had
/// been screened with the same detectors before the fine-tune.
/// </summary>
internal static class CollisionDetection
{
    public const string CleanSet = "clean, evaluation half (control model)";
    public const string TargetSet = "targets, each on its poisoned victim";
    public const string SucceededSet = "targets the attack succeeded on";
    /// <summary>The poisons of one β setting, as if the training set had been screened with the detector.</summary>
    public static string PoisonSet(string setting) => $"poisons ({setting}), screened (control model)";

    public static async Task<CollisionDetectionResults> RunAsync(EvaluationData data, FixtureModels models, CollisionVictims victims, PoisoningSettings settings, int seed, Progress progress, CancellationToken ct)
    {
        var control = new NetworkModelRunner("mnist, last layer fine-tuned without poisons", victims.Space.WithHead(victims.ControlHead));
        var detectors = DetectionEvaluation.BuildDetectors(data)
            .Select(d => (d.Name, Options: $"{d.Options}; on each victim", d.Detector))
            .Append(("strip", $"pool: committed {StripPool.CommittedSize} digits, samples: {settings.StripSamples}, clip: true; on each victim", StripEvaluation.Detector(data.Dataset, StripPool.CommittedSize, settings.StripSamples, clip: true)));
        var rows = new List<DetectorFlags>();
        foreach (var (name, options, detector) in detectors)
        {
            var controlContext = RuntimeScoring.Context(control, models, seed);
            var calibration = await RuntimeScoring.ScoreAsync(detector, data.Calibration.Images, controlContext, ct).ConfigureAwait(false);
            var threshold = RuntimeScoring.Threshold(calibration, detector);
            var below = detector.FlagsBelowThreshold;
            var targets = new double[victims.Targets.Count];
            for (var i = 0; i < targets.Length; i++)
            {
                var victim = new NetworkModelRunner($"victim of target {i}", victims.Space.WithHead(victims.Heads[i]));
                targets[i] = (await RuntimeScoring.ScoreAsync(detector, victims.Targets.Image(i).ToArray(), RuntimeScoring.Context(victim, models, seed + 1 + i), ct).ConfigureAwait(false))[0];
            }

            var sets = new List<FlagRate>();
            // STRIP's clean evaluation half would cost as much again as its calibration; its clean flag rate on a clean model is
            // measured in the BadNets part (and is 1 % on the calibration half by construction).
            if (detector.Type != "strip")
            {
                sets.Add(RuntimeScoring.Count(CleanSet, await RuntimeScoring.ScoreAsync(detector, data.Evaluation.Images, controlContext, ct).ConfigureAwait(false), threshold, below));
            }

            sets.Add(RuntimeScoring.Count(TargetSet, targets, threshold, below));
            sets.Add(RuntimeScoring.Count(SucceededSet, targets.Where((_, i) => victims.Succeeded[i]).ToArray(), threshold, below));
            foreach (var poisons in victims.Poisons)
            {
                sets.Add(RuntimeScoring.Count(PoisonSet(poisons.Setting), await RuntimeScoring.ScoreAsync(detector, poisons.Images, controlContext, ct).ConfigureAwait(false), threshold, below));
            }

            rows.Add(new DetectorFlags
            {
                Detector = name,
                Options = options,
                Threshold = threshold,
                ThresholdSource = $"{RuntimeScoring.CalibrationSource(calibration.Length)}, on the control fine-tune",
                Sets = sets,
            });
        }

        progress.Step($"feature-collision targets through {rows.Count} runtime detectors");
        return new CollisionDetectionResults
        {
            Victims = victims.Description,
            SuccessfulTargets = victims.Succeeded.Count(s => s),
            Detectors = rows,
        };
    }
}
