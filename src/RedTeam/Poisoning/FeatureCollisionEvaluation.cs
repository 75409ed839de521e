using NeuralSec.Data;
using NeuralSec.Lab.Nn;
using NeuralSec.RedTeam.Evaluation;
using NeuralSec.RedTeam.Models;

namespace NeuralSec.RedTeam.Poisoning;

/// <summary>
/// Shafahi et al.'s clean-label attack in their transfer-learning setting, on the fixture <c>mnist</c>: poisons that look like
/// base-class digits and carry their correct base label, but sit on a target digit in the penultimate feature space; the victim
/// fine-tunes the last layer on clean digits plus the poisons, and the attack succeeds when it then classifies the target —
/// an unmodified test digit — as the base class. Targets come from the evaluation half of the test split, bases from the
/// calibration half (both correctly classified by <c>mnist</c>), the clean fine-tuning digits from the train split.
/// </summary>
internal static class FeatureCollisionEvaluation
{
    public const byte TargetClass = 6;
    public const byte BaseClass = 2;

    /// <summary>β settings besides the paper's rule: one where the pull toward the base starts to matter, one far above it.</summary>
    public static readonly double[] OtherBetas = [1, 30];

    public static (FeatureCollisionResults Results, CollisionVictims Victims) Run(EvaluationData data, FixtureModels models, PoisoningSettings settings, int seed, Progress progress)
    {
        var mnist = models.Get(FixtureModels.Classifier).Network;
        var robust = models.Get(FixtureModels.Adversarial).Network;
        var space = FeatureSpace.Of(mnist);
        // The whole halves, whatever the detectors' digit count: quick runs need their few targets and bases too.
        var test = data.Dataset.Test;
        var targets = CorrectlyClassified(mnist, test.Slice(EvaluationData.HalfSize, EvaluationData.HalfSize), TargetClass, settings.CollisionTargets);
        var bases = CorrectlyClassified(mnist, test.Slice(0, EvaluationData.HalfSize), BaseClass, settings.MaxPoisons);
        var k = settings.MaxPoisons;
        var px = MnistSplit.Pixels;
        var d = space.Dimension;

        var clean = data.Dataset.Train.Slice(0, Math.Min(settings.FineTuneDigits, data.Dataset.Train.Count));
        var cleanFeatures = space.Features(clean.Images);
        var testFeatures = space.Features(data.Dataset.Test.Images);
        var targetFeatures = space.Features(targets.Images);
        var fineTuneSeed = seed + 202;
        var control = LastLayerFineTune.Train(space.Head, cleanFeatures, clean.Labels, settings.FineTuneEpochs, fineTuneSeed);
        var controlOnTargets = LastLayerFineTune.Predict(control, targetFeatures);
        progress.Step($"feature collision: {targets.Count} targets (class {TargetClass}), {bases.Count} bases (class {BaseClass}), control fine-tune on {clean.Count} clean digits");

        // Poison j of target i starts from base j: [target][poison] order, so target i's first k' poisons are contiguous.
        var poisonBases = new float[targets.Count * k * px];
        var poisonTargets = new float[targets.Count * k * d];
        for (var i = 0; i < targets.Count; i++)
        {
            for (var j = 0; j < k; j++)
            {
                bases.Image(j).CopyTo(poisonBases.AsSpan(((i * k) + j) * px, px));
                targetFeatures.AsSpan(i * d, d).CopyTo(poisonTargets.AsSpan(((i * k) + j) * d, d));
            }
        }

        var resultSettings = new List<CollisionSetting>();
        IReadOnlyList<FineTuneLength> sweep = [];
        var crafted = new List<CraftedPoisons>();
        (Dense[] Heads, bool[] Succeeded, string Description)? victims = null;
        foreach (var (name, beta) in Betas(d, px))
        {
            var poisons = FeatureCollision.Craft(space, poisonBases, poisonTargets, beta, settings.CraftIterations);
            var poisonFeatures = space.Features(poisons);
            crafted.Add(new CraftedPoisons(name, beta, poisons));
            var rows = new List<CollisionRow>();
            Dense[] lastHeads = [];
            bool[] lastSucceeded = [];
            foreach (var count in settings.PoisonCounts)
            {
                var heads = new Dense[targets.Count];
                var succeeded = new bool[targets.Count];
                var accuracy = 0.0;
                for (var i = 0; i < targets.Count; i++)
                {
                    var (features, labels) = WithPoisons(cleanFeatures, clean.Labels, poisonFeatures.AsSpan(i * k * d, count * d), count);
                    heads[i] = LastLayerFineTune.Train(space.Head, features, labels, settings.FineTuneEpochs, fineTuneSeed);
                    succeeded[i] = LastLayerFineTune.Predict(heads[i], targetFeatures.AsSpan(i * d, d).ToArray())[0] == BaseClass;
                    accuracy += Accuracy(heads[i], testFeatures, data.Dataset.Test.Labels);
                }

                rows.Add(new CollisionRow { Poisons = count, Successes = succeeded.Count(s => s), Targets = targets.Count, MeanCleanAccuracy = accuracy / targets.Count });
                (lastHeads, lastSucceeded) = (heads, succeeded);
            }

            var setting = Describe(name, beta, poisons, poisonBases, targets, k, poisonFeatures, poisonTargets, space.Features(poisonBases), robust, rows);
            resultSettings.Add(setting);
            progress.Step($"feature collision {name} (β = {beta:G3}): success {string.Join(" / ", rows.Select(r => $"k={r.Poisons} {r.AttackSuccess:P0}"))}; poisons L2 to base {setting.MeanL2ToBase:F2}, read as the target by mnist-adv {setting.PoisonsReadAsTarget:P0}");
            if (victims is null)
            {
                sweep = Sweep(space, cleanFeatures, clean.Labels, poisonFeatures, targetFeatures, targets.Count, k, settings, fineTuneSeed, rows[^1]);
                progress.Step($"feature collision {name}, k = {k}, by fine-tune length: {string.Join(" / ", sweep.Select(l => $"{l.Epochs} epochs {l.Successes}/{l.Targets} (control {l.ControlSuccesses})"))}");
            }

            victims ??= (lastHeads, lastSucceeded, $"{name}, k = {settings.PoisonCounts[^1]}");
        }

        var results = new FeatureCollisionResults
        {
            TargetClass = TargetClass,
            BaseClass = BaseClass,
            Targets = targets.Count,
            Bases = bases.Count,
            FeatureDimension = d,
            CraftIterations = settings.CraftIterations,
            FineTuneDigits = clean.Count,
            FineTuneEpochs = settings.FineTuneEpochs,
            PretrainedCleanAccuracy = Classify.Accuracy(mnist, data.Dataset.Test.Images, data.Dataset.Test.Labels),
            ControlSuccesses = controlOnTargets.Count(p => p == BaseClass),
            ControlCleanAccuracy = Accuracy(control, testFeatures, data.Dataset.Test.Labels),
            Settings = resultSettings,
            FineTuneSweep = sweep,
        };
        var (victimHeads, victimSucceeded, description) = victims!.Value;
        return (results, new CollisionVictims
        {
            Space = space,
            Description = description,
            Targets = targets,
            Heads = victimHeads,
            Succeeded = victimSucceeded,
            ControlHead = control,
            Poisons = crafted,
        });
    }

    /// <summary>The β settings measured: the paper's rule rescaled to this extractor and input, and a large β.</summary>
    public static IReadOnlyList<(string Name, double Beta)> Betas(int featureDimension, int inputDimension) =>
    [
        ("paper's rule β₀·(D_f/D_in)²", FeatureCollision.PaperBeta(featureDimension, inputDimension)),
        .. OtherBetas.Select(b => (string.Create(System.Globalization.CultureInfo.InvariantCulture, $"β = {b:0.##}"), b)),
    ];

    /// <summary>The same victims (k poisons per target) and the control, fine-tuned for each length of the sweep; the main
    /// length is taken from <paramref name="main"/> rather than trained again.</summary>
    private static List<FineTuneLength> Sweep(FeatureSpace space, float[] cleanFeatures, byte[] cleanLabels, float[] poisonFeatures, float[] targetFeatures, int targets, int k, PoisoningSettings settings, int seed, CollisionRow main)
    {
        var d = space.Dimension;
        var lengths = new List<FineTuneLength>();
        foreach (var epochs in settings.FineTuneSweep)
        {
            var control = LastLayerFineTune.Predict(LastLayerFineTune.Train(space.Head, cleanFeatures, cleanLabels, epochs, seed), targetFeatures).Count(p => p == BaseClass);
            var successes = main.Successes;
            if (epochs != settings.FineTuneEpochs || main.Poisons != k)
            {
                successes = 0;
                for (var i = 0; i < targets; i++)
                {
                    var (features, labels) = WithPoisons(cleanFeatures, cleanLabels, poisonFeatures.AsSpan(i * k * d, k * d), k);
                    var head = LastLayerFineTune.Train(space.Head, features, labels, epochs, seed);
                    successes += LastLayerFineTune.Predict(head, targetFeatures.AsSpan(i * d, d).ToArray())[0] == BaseClass ? 1 : 0;
                }
            }

            lengths.Add(new FineTuneLength { Epochs = epochs, Successes = successes, Targets = targets, ControlSuccesses = control });
        }

        return lengths;
    }

    private static CollisionSetting Describe(string name, double beta, float[] poisons, float[] poisonBases, MnistSplit targets, int k, float[] poisonFeatures, float[] targetFeatures, float[] baseFeatures, Network robust, List<CollisionRow> rows)
    {
        var px = MnistSplit.Pixels;
        var d = poisonFeatures.Length / (poisons.Length / px);
        var n = poisons.Length / px;
        double l2Base = 0, lInf = 0, l2Target = 0, baseToTarget = 0, ratio = 0;
        for (var p = 0; p < n; p++)
        {
            var poison = poisons.AsSpan(p * px, px);
            var b = poisonBases.AsSpan(p * px, px);
            var t = targets.Image(p / k);
            l2Base += Math.Sqrt(FeatureCollision.SquaredDistance(poison, b));
            l2Target += Math.Sqrt(FeatureCollision.SquaredDistance(poison, t));
            baseToTarget += Math.Sqrt(FeatureCollision.SquaredDistance(b, t));
            var max = 0.0;
            for (var j = 0; j < px; j++)
            {
                max = Math.Max(max, Math.Abs(poison[j] - b[j]));
            }

            lInf += max;
            var before = Math.Sqrt(FeatureCollision.SquaredDistance(baseFeatures.AsSpan(p * d, d), targetFeatures.AsSpan(p * d, d)));
            var after = Math.Sqrt(FeatureCollision.SquaredDistance(poisonFeatures.AsSpan(p * d, d), targetFeatures.AsSpan(p * d, d)));
            ratio += before > 0 ? after / before : 0;
        }

        var read = Classify.Predict(robust, poisons);
        return new CollisionSetting
        {
            Name = name,
            Beta = beta,
            MeanL2ToBase = l2Base / n,
            MeanLinfToBase = lInf / n,
            MeanL2ToTarget = l2Target / n,
            MeanBaseToTargetL2 = baseToTarget / n,
            FeatureDistanceRatio = ratio / n,
            PoisonsReadAsTarget = (double)read.Count(c => c == TargetClass) / n,
            PoisonsReadAsBase = (double)read.Count(c => c == BaseClass) / n,
            Rows = rows,
        };
    }

    /// <summary>The first <paramref name="count"/> digits of <paramref name="label"/> in <paramref name="split"/> that the model classifies correctly.</summary>
    private static MnistSplit CorrectlyClassified(Network model, MnistSplit split, byte label, int count)
    {
        var predictions = Classify.Predict(model, split.Images);
        var chosen = Enumerable.Range(0, split.Count).Where(i => split.Labels[i] == label && predictions[i] == label).Take(count).ToArray();
        if (chosen.Length < count)
        {
            throw new RedTeamException($"feature collision needs {count} correctly classified digits of class {label}; the split has {chosen.Length}");
        }

        return split.Select(chosen);
    }

    private static (float[] Features, byte[] Labels) WithPoisons(float[] cleanFeatures, byte[] cleanLabels, ReadOnlySpan<float> poisonFeatures, int count)
    {
        var features = new float[cleanFeatures.Length + poisonFeatures.Length];
        cleanFeatures.CopyTo(features, 0);
        poisonFeatures.CopyTo(features.AsSpan(cleanFeatures.Length));
        var labels = new byte[cleanLabels.Length + count];
        cleanLabels.CopyTo(labels, 0);
        labels.AsSpan(cleanLabels.Length).Fill(BaseClass);
        return (features, labels);
    }

    private static double Accuracy(Dense head, float[] features, byte[] labels) =>
        (double)LastLayerFineTune.Predict(head, features).Zip(labels).Count(p => p.First == p.Second) / labels.Length;
}
