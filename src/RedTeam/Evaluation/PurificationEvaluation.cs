using NeuralSec.Data;
using NeuralSec.Lab.Attacks;
using NeuralSec.RedTeam.Attacks;
using NeuralSec.RedTeam.Models;

namespace NeuralSec.RedTeam.Evaluation;

/// <summary>
/// Accuracy under untargeted FGSM / PGD-40 of: the undefended model; each preprocessing chain against a non-adaptive attacker
/// (examples crafted on the undefended model, then purified) and against the adaptive BPDA attacker (+EOT over the chain's
/// randomness); and the adversarially trained and distilled fixtures, each attacked white-box on itself.
/// </summary>
internal static class PurificationEvaluation
{
    // Fresh draws for scoring a randomized chain: the attacker's EOT draws must not be the ones the defense then uses.
    private const int DefenseSeedOffset = 7919;

    public static IReadOnlyList<AttackSpec> Columns { get; } =
        [.. from method in new[] { "fgsm", "pgd" } from eps in AttackSpec.Epsilons select new AttackSpec(method, eps, false)];

    /// <param name="undefended">Untargeted attacks on <c>mnist</c> over the whole evaluation half, reused from section 1.</param>
    public static PurificationResults Run(EvaluationData data, FixtureModels models, IReadOnlyList<AdversarialBatch> undefended, int adaptiveCount, int eotSamples, int seed, Progress progress)
    {
        var mnist = models.Get(FixtureModels.Classifier);
        var test = data.Dataset.Test;
        var eval = data.Evaluation;
        var chains = PurificationChain.Standard();
        var transfer = Columns.Select(c => undefended.Single(b => b.Spec == c)).ToArray();
        var rows = new List<AccuracyRow>
        {
            new("none (mnist)", "white-box", Classify.Accuracy(mnist.Network, test.Images, test.Labels), transfer.Select(b => b.Accuracy).ToArray()),
        };
        foreach (var chain in chains)
        {
            var clean = Accuracy(mnist, chain, test.Images, test.Labels, seed);
            rows.Add(new(chain.Name, "non-adaptive (crafted on mnist)", clean, transfer.Select(b => Accuracy(mnist, chain, b.Images, b.Labels, seed)).ToArray()));
        }

        progress.Step("purification chains vs non-adaptive attacks");
        rows.Add(RobustModel(models.Get(FixtureModels.Adversarial), "mnist-adv (PGD adversarial training, ε=0.3)", "white-box on itself", AttackLoss.CrossEntropy, test, eval, seed));
        rows.Add(RobustModel(models.Get(FixtureModels.Distilled), "mnist-distilled (T=20)", "white-box on itself", AttackLoss.CrossEntropy, test, eval, seed));
        rows.Add(RobustModel(models.Get(FixtureModels.Distilled), "mnist-distilled (T=20)", "white-box, CW margin loss", AttackLoss.Margin, test, eval, seed));
        progress.Step("robust fixtures attacked white-box");

        var subset = eval.Slice(0, Math.Min(adaptiveCount, eval.Count));
        var adaptive = new List<(AccuracyRow, AccuracyRow)>();
        foreach (var chain in chains)
        {
            var nonAdaptive = transfer.Select(b => Accuracy(mnist, chain, b.Images.AsSpan(0, subset.Images.Length), subset.Labels, seed)).ToArray();
            var bpda = Columns.Select(c =>
            {
                var adv = BpdaAttack.Perturb(mnist.Network, chain, subset.Images, subset.Labels, null, c.Options(seed), eotSamples);
                return Accuracy(mnist, chain, adv, subset.Labels, seed);
            }).ToArray();
            var clean = Accuracy(mnist, chain, subset.Images, subset.Labels, seed);
            var attacker = (chain.IsRandomized, chain.IsPixelSelection) switch
            {
                (true, true) => $"adaptive: EOT ({eotSamples} draws per step), exact gradient through the selection",
                (true, false) => $"adaptive: BPDA + EOT ({eotSamples} draws per step)",
                _ => "adaptive: BPDA (straight-through)",
            };
            adaptive.Add((new(chain.Name, "non-adaptive", clean, nonAdaptive), new(chain.Name, attacker, clean, bpda)));
            progress.Step($"BPDA vs {chain.Name}");
        }

        return new PurificationResults
        {
            Columns = Columns,
            Rows = rows,
            Count = eval.Count,
            AdaptiveRows = adaptive,
            AdaptiveCount = subset.Count,
            EotSamples = eotSamples,
            UndefendedCleanAccuracy = rows[0].CleanAccuracy,
            CleanCount = test.Count,
        };
    }

    private static AccuracyRow RobustModel(NetworkModelRunner model, string name, string attacker, AttackLoss loss, MnistSplit test, MnistSplit eval, int seed)
    {
        var accuracy = Columns.Select(c => AttackCrafter.Craft(model, eval, eval.Labels, c with { Loss = loss }, seed).Accuracy).ToArray();
        return new AccuracyRow(name, attacker, Classify.Accuracy(model.Network, test.Images, test.Labels), accuracy);
    }

    /// <summary>Accuracy of the model on chain(images); one random draw per image for a randomized chain, as one request gets.</summary>
    private static double Accuracy(NetworkModelRunner model, PurificationChain chain, ReadOnlySpan<float> images, byte[] labels, int seed)
    {
        var purified = chain.Apply(images, new Random(seed + DefenseSeedOffset));
        var predictions = Classify.Predict(model.Network, purified);
        return (double)predictions.Zip(labels).Count(p => p.First == p.Second) / labels.Length;
    }
}
