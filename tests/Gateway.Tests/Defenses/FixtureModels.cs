using Microsoft.ML.OnnxRuntime;
using NeuralSec.Detectors.Detection;
using NeuralSec.Detectors.Images;
using NeuralSec.Gateway.Backends.OnnxRuntime;
using NeuralSec.Gateway.Defenses;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Lab.Attacks;
using NeuralSec.Lab.Onnx;

namespace NeuralSec.Gateway.Tests.Defenses;

/// <summary>The committed fixture models in-process: ONNX Runtime runners for scoring, the lab's exact-gradient
/// network for attacking, and MNIST test digits as image batches.</summary>
internal static class FixtureModels
{
    public static string PathOf(string model) => Path.Combine(RepoPaths.ModelRepository, model, "1", "model.onnx");

    public static OnnxModel Load(string model)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        return OnnxModel.Load(model, "1", PathOf(model), options, new ModelConfig());
    }

    public static IModelRunner Runner(OnnxModel model) => new OnnxModelRunner(model);

    /// <summary>Test-split digits [start, start+count) as one NCHW batch in [0, 1], with their labels.</summary>
    public static (float[] Images, byte[] Labels) Digits(int start, int count)
    {
        var images = new float[count * 784];
        var labels = new byte[count];
        for (var i = 0; i < count; i++)
        {
            TestDigits.Image(start + i).CopyTo(images, i * 784);
            labels[i] = (byte)TestDigits.Label(start + i);
        }

        return (images, labels);
    }

    public static ImageBatch Batch(float[] images) => new(images, images.Length / 784, 1, 28, 28);

    /// <summary>Untargeted L∞ PGD-40 against the committed classifier, with the lab's exact gradients.</summary>
    public static float[] Pgd(float[] images, byte[] labels, float epsilon)
    {
        var network = OnnxImporter.Load(PathOf("mnist"));
        return Lab.Attacks.Pgd.Perturb(network, images, labels, null, AttackOptions.Pgd(epsilon) with { Seed = 7 });
    }

    public static int[] Predict(OnnxModel model, float[] images)
    {
        var logits = Runner(model).RunAsync(Batch(images), CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return Enumerable.Range(0, images.Length / 784).Select(i => InferRequests.ArgMax(logits, i * 10)).ToArray();
    }
}
