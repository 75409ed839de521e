using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace NeuralSec.Lab.Tests;

/// <summary>Runs ONNX models through ONNX Runtime's CPU provider, as the sidecar would.</summary>
internal static class Ort
{
    public static float[] Run(byte[] model, float[] input, int[] shape, string inputName = "input")
    {
        using var session = new InferenceSession(model);
        return Run(session, input, shape, inputName);
    }

    public static float[] Run(InferenceSession session, float[] input, int[] shape, string inputName = "input")
    {
        var tensor = new DenseTensor<float>(input, shape);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, tensor)]);
        return results[0].AsEnumerable<float>().ToArray();
    }

    /// <summary>Runs a whole split in batches.</summary>
    public static float[] RunBatched(InferenceSession session, float[] images, int batch = 500)
    {
        const int Item = 28 * 28;
        var n = images.Length / Item;
        var outputs = new List<float>();
        for (var s = 0; s < n; s += batch)
        {
            var b = Math.Min(batch, n - s);
            outputs.AddRange(Run(session, images.AsSpan(s * Item, b * Item).ToArray(), [b, 1, 28, 28]));
        }

        return outputs.ToArray();
    }
}
