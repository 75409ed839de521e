using NeuralSec.Lab.Nn;
using NeuralSec.Lab.Onnx;
using NeuralSec.Lab.Training;

namespace NeuralSec.Lab.Tests;

public sealed class OnnxExportTests
{
    [Fact]
    public void ExportedClassifier_GivesTheSameLogitsInOnnxRuntime()
    {
        var net = Architectures.Classifier(5);
        var images = TestData.Mnist.Test.Images[..(64 * 784)];
        var expected = net.Predict(images);
        var actual = Ort.Run(OnnxExporter.Export(net, "t", OnnxNames.Logits), images, [64, 1, 28, 28]);
        Assert.True(MaxAbsDiff(expected, actual) <= 1e-4, $"max abs diff {MaxAbsDiff(expected, actual)}");
    }

    [Fact]
    public void ExportedAutoencoder_GivesTheSameReconstructionInOnnxRuntime()
    {
        var net = Architectures.Autoencoder(6);
        var images = TestData.Mnist.Test.Images[..(16 * 784)];
        var expected = net.Predict(images);
        var actual = Ort.Run(OnnxExporter.Export(net, "t", OnnxNames.Reconstruction), images, [16, 1, 28, 28]);
        Assert.True(MaxAbsDiff(expected, actual) <= 1e-4, $"max abs diff {MaxAbsDiff(expected, actual)}");
    }

    [Fact]
    public void ExportedModel_DeclaresTheContractTensorNamesAndDynamicBatch()
    {
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(OnnxExporter.Export(Architectures.Classifier(1), "t", OnnxNames.Logits));
        var input = Assert.Single(session.InputMetadata);
        Assert.Equal("input", input.Key);
        Assert.Equal([-1, 1, 28, 28], input.Value.Dimensions);
        var output = Assert.Single(session.OutputMetadata);
        Assert.Equal("logits", output.Key);
        Assert.Equal([-1, 10], output.Value.Dimensions);
    }

    [Fact]
    public void Importer_RoundTripsTheExport()
    {
        var net = Architectures.Autoencoder(7);
        var back = OnnxImporter.Parse(OnnxExporter.Export(net, "t", OnnxNames.Reconstruction));
        var images = TestData.Mnist.Test.Images[..(4 * 784)];
        Assert.Equal(net.Predict(images), back.Predict(images));
    }

    internal static double MaxAbsDiff(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        return a.Zip(b).Max(p => Math.Abs(p.First - p.Second));
    }
}
