using NeuralSec.Data;
using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.Pipeline;

namespace NeuralSec.Gateway.Benchmarks;

/// <summary>The request every gateway benchmark sends: the first MNIST test digit, as the front door decodes it.</summary>
internal static class BenchmarkRequests
{
    public static InferenceTensor[] Digit() =>
        [InferenceTensor.FromFloats("input", [1, 1, 28, 28], MnistDataset.Load().Test.Image(0).ToArray())];

    /// <summary>A fresh request context, as the front door makes one per request.</summary>
    public static InferenceContext Context(InferenceTensor[] inputs) => new(new InferenceRequest
    {
        RequestId = "benchmark",
        ModelName = "mnist",
        Inputs = inputs,
        RemoteAddress = "127.0.0.1",
    });
}
