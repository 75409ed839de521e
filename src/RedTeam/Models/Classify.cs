using NeuralSec.Lab.Nn;

namespace NeuralSec.RedTeam.Models;

/// <summary>Top-1 predictions and accuracy of a lab classifier (argmax of its logits).</summary>
internal static class Classify
{
    public static byte[] Predict(Network net, float[] images)
    {
        var logits = net.Predict(images);
        var k = Tensor.Volume(net.OutputShape);
        var predictions = new byte[logits.Length / k];
        for (var i = 0; i < predictions.Length; i++)
        {
            predictions[i] = (byte)System.Numerics.Tensors.TensorPrimitives.IndexOfMax(logits.AsSpan(i * k, k));
        }

        return predictions;
    }

    public static double Accuracy(Network net, float[] images, byte[] labels) =>
        (double)Predict(net, images).Zip(labels).Count(p => p.First == p.Second) / labels.Length;
}
