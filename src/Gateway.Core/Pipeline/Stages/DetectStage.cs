using System.Diagnostics;
using NeuralSec.Detectors.Detection;
using NeuralSec.Gateway.Backends;
using NeuralSec.Gateway.Decisions;
using NeuralSec.Gateway.Defenses;
using NeuralSec.Gateway.Metrics;
using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.Pipeline.Stages;

/// <summary>
/// Scores the input the caller sent (before preprocessing) with each of the policy's detectors, concurrently —
/// each batches its own extra model calls — and records a verdict per detector: score, calibrated threshold,
/// flagged or not. The decision stage acts on them. A detector that throws falls under the policy's
/// fail-open/fail-closed rule. Under <c>spec.detectOrder: cheapFirst</c> (enforce mode) the detectors run in rounds of
/// rising cost, and a round that blocks the request ends it: the dearer detectors are recorded as skipped, not run.
/// </summary>
internal sealed class DetectStage(
    DefenseRegistry registry,
    DefenseRandomness randomness,
    IModelBackend backend,
    AuxiliaryModels auxiliary,
    ILogger<DetectStage> logger) : IPipelineStage
{
    private static readonly string StageName = PipelineStageNames.Of(PipelineStageId.Detect);

    public PipelineStageId Id => PipelineStageId.Detect;

    public async ValueTask<StageOutcome> ExecuteAsync(InferenceContext context, CancellationToken cancellationToken)
    {
        if (context.Policy is not { Detect.Count: > 0 } policy)
        {
            return StageOutcome.Continue;
        }

        PolicyDefenses defenses;
        try
        {
            defenses = registry.For(policy);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Logging.Log.DefenseFailed(logger, ex, StageName, "build");
            return Enforcement.DefenseFailed(context, Id, "build", ex);
        }

        if (!ImageInputs.TryRead(context.OriginalInputs, defenses, out _, out var batch, out var rejection))
        {
            return rejection!;
        }

        var answers = new ModelAnswers(defenses.Image!.Tensor);
        var model = new BackendModelRunner(backend, context.ModelName, context.ModelVersion, defenses.Image.Tensor, context.RequestId, answers);
        context.ModelAnswers = answers;
        var rounds = defenses.RoundsFor(policy.DetectOrder, context.Decision.Enforced);
        for (var r = 0; r < rounds.Count; r++)
        {
            var round = rounds[r];
            var scoring = new Task<(DetectorResult? Result, Exception? Error)>[round.Length];
            for (var i = 0; i < round.Length; i++)
            {
                scoring[i] = Score(defenses.Detectors[round[i]], batch!, new DetectionContext(model, randomness.Next(), auxiliary.Get), cancellationToken);
            }

            var results = await Task.WhenAll(scoring).ConfigureAwait(false);
            var blocked = false;
            for (var i = 0; i < round.Length; i++)
            {
                var detector = defenses.Detectors[round[i]];
                var (result, error) = results[i];
                if (error is not null)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    Logging.Log.DefenseFailed(logger, error, StageName, detector.Spec.Type);
                    var failed = Enforcement.DefenseFailed(context, Id, detector.Spec.Type, error);
                    if (failed.IsRejected)
                    {
                        return failed;
                    }

                    continue;
                }

                GatewayMetrics.DetectorScores.WithLabels(detector.Spec.Type).Observe(result!.Score);
                var grade = detector.Grade(result);
                var action = grade?.Action ?? detector.Spec.Action;
                blocked |= grade is not null && action == DefenseAction.Block;
                context.Decision.Add(new Verdict(Id, detector.Spec.Type, grade is not null, action)
                {
                    Score = result.Score,
                    Threshold = grade?.Threshold ?? detector.Threshold,
                    AtlasTechniqueId = detector.Definition.AtlasTechniqueId,
                });
            }

            if (blocked && r + 1 < rounds.Count)
            {
                // Only rounds of a cheapFirst policy in enforce mode get here with rounds left: the request is refused
                // whatever the dearer detectors would say, so they are not run (and not paid for).
                context.Decision.SkippedDetectors = Skipped(defenses, rounds, r + 1);
                break;
            }
        }

        return StageOutcome.Continue;
    }

    private static string[] Skipped(PolicyDefenses defenses, IReadOnlyList<int[]> rounds, int from)
    {
        var skipped = new List<string>();
        for (var r = from; r < rounds.Count; r++)
        {
            foreach (var index in rounds[r])
            {
                var type = defenses.Detectors[index].Spec.Type;
                GatewayMetrics.DetectorsSkipped.WithLabels(type).Inc();
                skipped.Add(type);
            }
        }

        return skipped.ToArray();
    }

    private static async Task<(DetectorResult? Result, Exception? Error)> Score(CompiledDetector detector, Detectors.Images.ImageBatch batch, DetectionContext context, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await detector.Detector.ScoreAsync(batch, context, cancellationToken).ConfigureAwait(false);
            GatewayMetrics.DetectorTimer(StageName, detector.Spec.Type).Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
            return (result, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (null, ex);
        }
    }
}
