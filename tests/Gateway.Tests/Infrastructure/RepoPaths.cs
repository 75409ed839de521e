using NeuralSec.Data;

namespace NeuralSec.Gateway.Tests.Infrastructure;

/// <summary>The test suite's paths inside the repository (found by <see cref="RepositoryPaths"/>).</summary>
internal static class RepoPaths
{
    public static string Root { get; } = RepositoryPaths.Root();

    public static string ModelRepository => Path.Combine(Root, "models", "repository");

    /// <summary>A policy folder with one pass-through default policy.</summary>
    public static string PassThroughPolicies => Path.Combine(Root, "tests", "Gateway.Tests", "TestPolicies", "passthrough");

    public static string MnistData => Path.Combine(Root, "data", "mnist", "mnist-10k.bin.gz");
}
