namespace NeuralSec.Gateway.Tests.Infrastructure;

/// <summary>Locates the repository (the folder holding NeuralSec.sln) from the test's output folder.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = Find();

    public static string ModelRepository => Path.Combine(Root, "models", "repository");

    /// <summary>A policy folder with one pass-through default policy.</summary>
    public static string PassThroughPolicies => Path.Combine(Root, "tests", "Gateway.Tests", "TestPolicies", "passthrough");

    public static string MnistData => Path.Combine(Root, "data", "mnist", "mnist-10k.bin.gz");

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NeuralSec.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("NeuralSec.sln not found above " + AppContext.BaseDirectory);
    }
}
