using NeuralSec.RedTeam.Evaluation;
using NeuralSec.RedTeam.Models;

namespace NeuralSec.RedTeam.Attacks;

/// <summary>The detection grid (FGSM/PGD × untargeted/targeted × ε) crafted on the undefended <c>mnist</c> from the evaluation
/// half. <c>evaluate</c> and <c>export-sets</c> both call this, so the exported sets are the report's sets for the same seed.</summary>
internal static class DetectionGridAttacks
{
    public static IReadOnlyList<AdversarialBatch> Craft(EvaluationData data, FixtureModels models, int seed, Progress progress)
    {
        var mnist = models.Get(FixtureModels.Classifier);
        var result = new List<AdversarialBatch>();
        foreach (var spec in AttackSpec.DetectionGrid)
        {
            var batch = AttackCrafter.Craft(mnist, data.Evaluation, data.EvaluationTargets, spec, seed);
            result.Add(batch);
            progress.Step($"{spec.Label}: {batch.SuccessCount}/{batch.Count} successful, accuracy {batch.Accuracy:P1}");
        }

        return result;
    }
}
