using NeuralSec.Data;
using NeuralSec.Lab.Nn;

namespace NeuralSec.Lab.Eval;

internal static class Metrics
{
    public static byte[] Predict(Network net, float[] images)
    {
        var logits = net.Predict(images);
        var k = Tensor.Volume(net.OutputShape);
        var n = logits.Length / k;
        var pred = new byte[n];
        for (var i = 0; i < n; i++)
        {
            pred[i] = (byte)System.Numerics.Tensors.TensorPrimitives.IndexOfMax(logits.AsSpan(i * k, k));
        }

        return pred;
    }

    public static double Accuracy(Network net, float[] images, byte[] labels)
    {
        var pred = Predict(net, images);
        return pred.Zip(labels).Count(p => p.First == p.Second) / (double)labels.Length;
    }

    public static double Accuracy(Network net, MnistSplit split) => Accuracy(net, split.Images, split.Labels);

    /// <summary>Mean over items of the mean squared pixel error between input and reconstruction.</summary>
    public static double ReconstructionMse(Network autoencoder, float[] images)
    {
        var recon = autoencoder.Predict(images);
        var total = 0.0;
        for (var i = 0; i < images.Length; i++)
        {
            var d = recon[i] - images[i];
            total += d * d;
        }

        return total / images.Length;
    }
}
