using NeuralSec.Lab.Nn;
using NeuralSec.RedTeam.Models;

namespace NeuralSec.RedTeam.Poisoning;

/// <summary>
/// The victim's training in the transfer-learning setting of Shafahi et al.: the feature extractor stays frozen and only the
/// last (dense) layer is trained, starting from the pretrained one (the reference's "warm start"), by mini-batch Adam on
/// softmax cross-entropy over precomputed features — the lab's own optimiser and loss, so the head trains exactly as the
/// lab trains a whole network.
/// </summary>
internal static class LastLayerFineTune
{
    public const int BatchSize = 64;
    public const float LearningRate = 1e-3f;

    /// <param name="features">n·D penultimate features of the training set (clean digits and poisons).</param>
    /// <param name="labels">The n labels the victim trains on (for poisons: their base's label).</param>
    /// <returns>A new head; <paramref name="pretrained"/> is left as it is.</returns>
    public static Dense Train(Dense pretrained, float[] features, byte[] labels, int epochs, int seed)
    {
        var head = new Dense(pretrained.InFeatures, pretrained.OutFeatures);
        pretrained.Weight.Value.CopyTo(head.Weight.Value, 0);
        pretrained.Bias.Value.CopyTo(head.Bias.Value, 0);
        var net = new Network([head.InFeatures], [head]);
        var optimizer = new Adam(net.Parameters, LearningRate);
        var d = head.InFeatures;
        var n = labels.Length;
        var order = Enumerable.Range(0, n).ToArray();
        var rng = new Random(seed);
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            rng.Shuffle(order);
            for (var start = 0; start < n; start += BatchSize)
            {
                var b = Math.Min(BatchSize, n - start);
                var x = new Tensor([b, d]);
                var y = new byte[b];
                for (var i = 0; i < b; i++)
                {
                    features.AsSpan(order[start + i] * d, d).CopyTo(x.Data.AsSpan(i * d, d));
                    y[i] = labels[order[start + i]];
                }

                net.ZeroGrad();
                var logits = net.Forward(x);
                var grad = new Tensor(logits.Shape);
                Losses.SoftmaxCrossEntropy(logits, y, null, 1f, grad);
                net.Backward(grad);
                optimizer.Step();
            }
        }

        return head;
    }

    /// <summary>Top-1 class of each feature vector under <paramref name="head"/>.</summary>
    public static byte[] Predict(Dense head, float[] features) => Classify.Predict(new Network([head.InFeatures], [head]), features);
}
