using NeuralSec.Data;

namespace NeuralSec.LoadTest;

/// <summary>A real digit for the request: the shipped detectors rightly block uniform noise, so measuring a
/// defended path needs traffic that looks like the model's.</summary>
internal static class MnistDigit
{
    public static float[] First() => MnistDataset.Load().Test.Image(0).ToArray();
}
