using NeuralSec.Lab.Nn;
using NeuralSec.Lab.Onnx;
using NeuralSec.Lab.Training;

namespace NeuralSec.Lab.Cli;

internal static class ModelLoader
{
    /// <summary>Loads an ONNX model and checks it takes MNIST-shaped input.</summary>
    public static Network LoadMnistModel(string path)
    {
        var net = OnnxImporter.Load(path);
        if (!net.InputShape.SequenceEqual(Architectures.MnistInput))
        {
            throw new LabException($"{path}: model input has shape [batch,{string.Join(",", net.InputShape)}] but the MNIST data is [batch,1,28,28]");
        }

        return net;
    }

    public static bool IsClassifier(Network net) => net.OutputShape.SequenceEqual([10]);

    public static bool IsAutoencoder(Network net) => net.OutputShape.SequenceEqual(net.InputShape);
}
