using NeuralSec.Data;
using NeuralSec.Lab.Attacks;
using NeuralSec.Lab.Nn;

namespace NeuralSec.RedTeam.Stream;

/// <summary>
/// Papernot et al.'s Jacobian-based dataset augmentation (JBDA, ASIACCS 2017; cleverhans mnist_blackbox.py): label the
/// seed digits through the API, train the substitute, then each round add x + λ·sign(∂F_y/∂x) of the substitute for
/// every x in the set (y the API's label of x; λ's sign flips to + from round τ = 3 on, as cleverhans does), label the
/// new points through the API and retrain. The set doubles each round. Labels only: hardening does not touch it.
/// </summary>
internal static class JacobianAugmentationAttack
{
    public const float Lambda = 0.1f;
    private const int SignPeriod = 3;

    public static async Task<(Network Surrogate, List<(float[] Image, float[] Scores)> Answers)> RunAsync(AttackSession session, MnistSplit seeds, int rounds, int seed)
    {
        var answers = new List<(float[] Image, float[] Scores)>();
        var pending = Enumerable.Range(0, seeds.Count).Select(i => seeds.Image(i).ToArray()).ToList();
        Network surrogate = null!;
        for (var round = 0; ; round++)
        {
            foreach (var image in pending)
            {
                if (await session.QueryAsync(image).ConfigureAwait(false) is not { } outcome)
                {
                    break;
                }

                if (outcome.Scores is { } scores)
                {
                    answers.Add((image, OneHot(outcome.Label)));
                }
            }

            surrogate = Surrogate.Train(answers, softTargets: false, seed + round);
            if (round == rounds || session.Stopped)
            {
                return (surrogate, answers);
            }

            var coefficient = round < SignPeriod ? -1f : 1f;
            pending = Augment(surrogate, answers, coefficient * Lambda);
        }
    }

    private static List<float[]> Augment(Network surrogate, List<(float[] Image, float[] Scores)> set, float step)
    {
        var px = MnistSplit.Pixels;
        var next = new List<float[]>(set.Count);
        const int Batch = 128;
        for (var start = 0; start < set.Count; start += Batch)
        {
            var b = Math.Min(Batch, set.Count - start);
            var x = new Tensor([b, 1, 28, 28]);
            var labels = new byte[b];
            for (var i = 0; i < b; i++)
            {
                set[start + i].Image.CopyTo(x.Data, i * px);
                labels[i] = (byte)System.Numerics.Tensors.TensorPrimitives.IndexOfMax(set[start + i].Scores);
            }

            // ∂CE/∂x = −∂log p_y/∂x, so sign(∂F_y/∂x) = −sign(∂CE/∂x).
            var (_, gradient) = InputGradient.Compute(surrogate, x, labels, AttackLoss.CrossEntropy, 1f);
            for (var i = 0; i < b; i++)
            {
                var image = new float[px];
                for (var p = 0; p < px; p++)
                {
                    var g = gradient[(i * px) + p];
                    image[p] = Math.Clamp(x.Data[(i * px) + p] - (step * MathF.Sign(g)), 0f, 1f);
                }

                next.Add(image);
            }
        }

        return next;
    }

    private static float[] OneHot(int label)
    {
        var scores = new float[10];
        scores[label] = 1f;
        return scores;
    }
}
