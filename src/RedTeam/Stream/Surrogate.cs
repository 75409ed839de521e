using NeuralSec.Data;
using NeuralSec.Lab.Nn;
using NeuralSec.Lab.Training;
using NeuralSec.RedTeam.Models;

namespace NeuralSec.RedTeam.Stream;

/// <summary>
/// The attacker's copy of the served model, trained with the lab on the answers the attacker actually got: soft targets
/// (softmax of the returned scores) when the answer carries full scores, the returned label otherwise (top-K, rounding
/// and label-only leave the label as the one reliable signal). The same LeNet shape as the served model — the usual
/// assumption that the attacker knows the task's architecture family.
/// </summary>
internal static class Surrogate
{
    /// <summary>Training epochs over the transfer set (ART KnockoffNets' default nb_epochs is 10).</summary>
    public const int Epochs = 10;

    public static Network Train(IReadOnlyList<(float[] Image, float[] Scores)> answers, bool softTargets, int seed, int epochs = Epochs)
    {
        var px = MnistSplit.Pixels;
        var images = new float[answers.Count * px];
        var labels = new byte[answers.Count];
        var soft = softTargets ? new float[answers.Count * 10] : null;
        for (var i = 0; i < answers.Count; i++)
        {
            answers[i].Image.CopyTo(images, i * px);
            var scores = answers[i].Scores;
            labels[i] = (byte)System.Numerics.Tensors.TensorPrimitives.IndexOfMax(scores);
            if (soft is not null)
            {
                System.Numerics.Tensors.TensorPrimitives.SoftMax(scores, soft.AsSpan(i * 10, 10));
            }
        }

        var net = Architectures.Classifier(seed);
        if (answers.Count == 0)
        {
            return net;
        }

        ClassifierTrainer.Train(net, new MnistSplit(images, labels), new ClassifierTrainingOptions
        {
            Epochs = epochs,
            Seed = seed,
            MaxShift = 0, // the attacker trains on exactly what it queried
            SoftTargets = soft,
        });
        return net;
    }

    /// <summary>Fraction of <paramref name="digits"/> on which the surrogate's label equals the served model's.</summary>
    public static double Agreement(Network surrogate, MnistSplit digits, byte[] servedLabels) =>
        Classify.Accuracy(surrogate, digits.Images, servedLabels);
}
