using NeuralSec.Data;
using NeuralSec.Lab.Training;
using NeuralSec.RedTeam.Evaluation;
using NeuralSec.RedTeam.Models;

namespace NeuralSec.RedTeam.Poisoning;

/// <summary>
/// Availability poisoning by label flipping: the attacker controls a share of the training labels and replaces each with a
/// wrong class drawn uniformly (Rolnick et al.'s uniform noise). Each rate trains the architecture of <c>mnist</c> with
/// <c>mnist</c>'s recipe, shortened, from the same initial weights and batch order — twins that differ only in the labels —
/// and is scored on the clean 2,000-digit test split.
/// </summary>
internal static class LabelFlipping
{
    /// <summary>A copy of <paramref name="train"/> with round(rate·n) labels, chosen by <paramref name="seed"/>, replaced by a wrong class.</summary>
    public static (MnistSplit Flipped, int Count) Flip(MnistSplit train, double rate, int seed)
    {
        var labels = (byte[])train.Labels.Clone();
        var rng = new Random(seed);
        var order = Enumerable.Range(0, train.Count).ToArray();
        rng.Shuffle(order);
        var count = (int)Math.Round(rate * train.Count);
        foreach (var i in order.Take(count))
        {
            labels[i] = (byte)((labels[i] + 1 + rng.Next(9)) % 10);
        }

        return (new MnistSplit(train.Images, labels), count);
    }

    public static LabelFlippingResults Run(MnistDataset data, PoisoningSettings settings, int seed, Progress progress)
    {
        var train = data.Train.Slice(0, Math.Min(settings.FlipTrainDigits, data.Train.Count));
        var options = ModelZoo.CleanOptions(seed) with { Epochs = settings.FlipEpochs, BatchSize = settings.FlipBatchSize };
        if (!settings.FlipAugmentation)
        {
            options = options with { MaxRotation = 0, MaxScale = 0, MaxShift = 0 };
        }

        var rows = new List<LabelFlipRow>();
        foreach (var rate in settings.FlipRates)
        {
            var (flipped, count) = Flip(train, rate, seed + 101);
            var net = Architectures.Classifier(seed);
            ClassifierTrainer.Train(net, flipped, options);
            var accuracy = Classify.Accuracy(net, data.Test.Images, data.Test.Labels);
            rows.Add(new LabelFlipRow { Rate = rate, Flipped = count, TestAccuracy = accuracy });
            progress.Step($"label flipping {rate:P0}: {count} of {train.Count} labels flipped, {settings.FlipEpochs} epochs → clean test accuracy {accuracy:P2}");
        }

        return new LabelFlippingResults
        {
            Architecture = Architectures.ClassifierDescription,
            TrainDigits = train.Count,
            Epochs = settings.FlipEpochs,
            TestDigits = data.Test.Count,
            Rows = rows,
        };
    }
}
