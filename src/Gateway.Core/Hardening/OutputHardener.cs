using System.Numerics.Tensors;
using NeuralSec.Detectors.Tensors;
using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.Hardening;

/// <summary>
/// Coarsens class scores against extraction while keeping the output's name, datatype and shape, so clients
/// keep working: <c>topK</c> keeps the k largest scores of each row and sets the rest to the row's minimum
/// (ranks beyond k are gone; works for logits and probabilities alike), <c>decimals</c> rounds, and
/// <c>labelOnly</c> answers a one-hot row of the arg-max class; a degraded answer is label-only too, or — with
/// <c>misinformBelow</c> — names the least likely class when the model is unsure. With <c>degradedAnswer: disguised</c>
/// a degraded answer is hardened like every other one, after the unsure rows' top and least likely classes traded
/// scores: nothing in it tells the client it was degraded. Only FP32 outputs of rank 2 ([batch, classes]) are class
/// scores; others pass untouched.
/// </summary>
internal static class OutputHardener
{
    public static bool AppliesTo(OutputPolicy policy, bool degrade) => degrade || policy.LabelOnly || policy.TopK is not null || policy.Decimals is not null;

    public static InferenceTensor Harden(InferenceTensor output, OutputPolicy policy, bool degrade)
    {
        if (output.DataType != TensorDataType.FP32 || output.Shape.Count != 2 || output.Shape[1] < 1)
        {
            return output;
        }

        var classes = (int)output.Shape[1];
        var values = output.AsSpan<float>().ToArray();
        for (var row = 0; row + classes <= values.Length; row += classes)
        {
            var scores = values.AsSpan(row, classes);
            var misinform = degrade && policy.MisinformBelow is { } below && TopProbability(scores) < below;
            var disguised = degrade && policy.DegradedAnswer == DegradedAnswer.Disguised;
            if (disguised && misinform)
            {
                // The least likely class takes the top score and the top class the least: the same values, so the
                // same shape after the hardening below as any unsure answer, naming the wrong class.
                var top = TensorPrimitives.IndexOfMax(scores);
                var least = TensorPrimitives.IndexOfMin(scores);
                (scores[top], scores[least]) = (scores[least], scores[top]);
            }

            if (policy.LabelOnly || (degrade && !disguised))
            {
                var label = misinform && !disguised ? TensorPrimitives.IndexOfMin(scores) : TensorPrimitives.IndexOfMax(scores);
                scores.Clear();
                scores[label] = 1f;
                continue;
            }

            if (policy.TopK is { } k && k < classes)
            {
                KeepTopK(scores, k);
            }

            if (policy.Decimals is { } decimals)
            {
                for (var i = 0; i < scores.Length; i++)
                {
                    scores[i] = MathF.Round(scores[i], decimals, MidpointRounding.ToEven);
                }
            }
        }

        return InferenceTensor.FromFloats(output.Name, output.Shape.ToArray(), values);
    }

    /// <summary>The top class probability of a row of scores: the row itself when it is a distribution, else its
    /// softmax (logits).</summary>
    private static float TopProbability(ReadOnlySpan<float> scores)
    {
        var sum = TensorPrimitives.Sum(scores);
        if (TensorPrimitives.Min(scores) >= 0 && MathF.Abs(sum - 1) <= 1e-3f)
        {
            return TensorPrimitives.Max(scores);
        }

        Span<float> probabilities = scores.Length <= 1024 ? stackalloc float[scores.Length] : new float[scores.Length];
        TensorPrimitives.SoftMax(scores, probabilities);
        return TensorPrimitives.Max(probabilities);
    }

    private static void KeepTopK(Span<float> scores, int k)
    {
        Span<float> sorted = scores.Length <= 1024 ? stackalloc float[scores.Length] : new float[scores.Length];
        scores.CopyTo(sorted);
        sorted.Sort();
        var cutoff = sorted[^k];
        var floor = sorted[0];
        var kept = 0;

        // Ties at the cutoff: keep the first ones, so exactly k entries survive.
        for (var i = 0; i < scores.Length; i++)
        {
            if (scores[i] > cutoff)
            {
                kept++;
            }
        }

        for (var i = 0; i < scores.Length; i++)
        {
            if (scores[i] > cutoff)
            {
                continue;
            }

            if (scores[i] == cutoff && kept < k)
            {
                kept++;
                continue;
            }

            scores[i] = floor;
        }
    }
}
