using NeuralSec.Data;

namespace NeuralSec.Lab.Tests;

/// <summary>Loads the committed fixture once per test run.</summary>
internal static class TestData
{
    private static readonly Lazy<MnistDataset> Dataset = new(() => MnistDataset.Load());

    public static MnistDataset Mnist => Dataset.Value;

    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "neuralsec-lab-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
