using NeuralSec.Detectors.Detection;
using NeuralSec.Gateway.Backends;
using NeuralSec.Gateway.Decisions;
using NeuralSec.Gateway.Defenses;
using NeuralSec.Gateway.Metrics;

namespace NeuralSec.Gateway.Pipeline.Stages;

/// <summary>
/// Scores the input the caller sent (before preprocessing) with each of the policy's detectors, concurrently —
/// each batches its own extra model calls — and records a verdict per detector: score, calibrated threshold,
/// flagged or not. The decision stage acts on them. A detector that throws falls under the policy's
/// fail-open/fail-closed rule.
/// </summary>
internal sealed class DetectStage(
    DefenseRegistry registry,
    DefenseRandomness randomness,
    IModelBackend backend,
    AuxiliaryModels auxiliary,
    ILogger<DetectStage> logger) : IPipelineStage
{
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
            Logging.Log.DefenseFailed(logger, ex, PipelineStageNames.Of(Id), "build");
            return Enforcement.DefenseFailed(context, Id, "build", ex);
        }

        if (!ImageInputs.TryRead(context.OriginalInputs, defenses, out _, out var batch, out var rejection))
        {
            return rejection!;
        }

        var answers = new ModelAnswers(defenses.Image!.Tensor);
        var model = new BackendModelRunner(backend, context.ModelName, context.ModelVersion, defenses.Image.Tensor, context.RequestId, answers);
        var scoring = defenses.Detectors
            .Select(d => Score(d, batch!, new DetectionContext(model, randomness.Next(), auxiliary.Get), cancellationToken))
            .ToArray();
        var results = await Task.WhenAll(scoring).ConfigureAwait(false);
        context.ModelAnswers = answers;

        for (var i = 0; i < results.Length; i++)
        {
            var detector = defenses.Detectors[i];
            var (result, error) = results[i];
            if (error is not null)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Logging.Log.DefenseFailed(logger, error, PipelineStageNames.Of(Id), detector.Spec.Type);
                var failed = Enforcement.DefenseFailed(context, Id, detector.Spec.Type, error);
                if (failed.IsRejected)
                {
                    return failed;
                }

                continue;
            }

            GatewayMetrics.DetectorScores.WithLabels(detector.Spec.Type).Observe(result!.Score);
            var grade = detector.Grade(result);
            context.Decision.Add(new Verdict(Id, detector.Spec.Type, grade is not null, grade?.Action ?? detector.Spec.Action)
            {
                Score = result.Score,
                Threshold = grade?.Threshold ?? detector.Threshold,
                AtlasTechniqueId = detector.Definition.AtlasTechniqueId,
            });
        }

        return StageOutcome.Continue;
    }

    private static async Task<(DetectorResult? Result, Exception? Error)> Score(CompiledDetector detector, Detectors.Images.ImageBatch batch, DetectionContext context, CancellationToken cancellationToken)
    {
        try
        {
            return (await detector.Detector.ScoreAsync(batch, context, cancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (null, ex);
        }
    }
}
