using NeuralSec.Detectors.Tensors;

namespace NeuralSec.Gateway.QueryStream;

/// <summary>The model's class probabilities per image, from its answer: the first FP32 output shaped
/// [images, classes]; rows that are not already a distribution (negative values, or not summing to 1) are taken as
/// logits and put through a softmax. Null when the answer has no such output (a model that is not a classifier).</summary>
internal static class ClassProbabilities
{
    public static float[]? Read(IReadOnlyList<InferenceTensor> outputs, int images, out int classes)
    {
        classes = 0;
        foreach (var output in outputs)
        {
            if (output.DataType != TensorDataType.FP32 || output.Shape.Count != 2 || output.Shape[0] != images || output.Shape[1] is < 2 or > 100_000)
            {
                continue;
            }

            classes = (int)output.Shape[1];
            var values = output.AsSpan<float>().ToArray();
            for (var row = 0; row < images; row++)
            {
                var scores = values.AsSpan(row * classes, classes);
                var sum = 0.0;
                var negative = false;
                foreach (var score in scores)
                {
                    sum += score;
                    negative |= score < 0;
                }

                if (negative || Math.Abs(sum - 1) > 1e-3)
                {
                    System.Numerics.Tensors.TensorPrimitives.SoftMax(scores, scores);
                }
            }

            return values;
        }

        return null;
    }
}
