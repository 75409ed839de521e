using NeuralSec.Data;

namespace NeuralSec.LoadTest;

/// <summary>Real digits for the requests: the shipped detectors rightly block uniform noise, so measuring a
/// defended path needs traffic that looks like the model's.</summary>
internal static class MnistDigit
{
    public static float[] First() => MnistDataset.Load().Test.Image(0).ToArray();

    /// <summary>Every digit of the committed data, test split then train split (10,000), each its own array.</summary>
    public static IEnumerable<float[]> All()
    {
        var data = MnistDataset.Load();
        foreach (var split in new[] { data.Test, data.Train })
        {
            for (var i = 0; i < split.Count; i++)
            {
                yield return split.Image(i).ToArray();
            }
        }
    }
}
