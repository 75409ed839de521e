namespace NeuralSec.Data;

/// <summary>
/// Where the repository's files lie, for every tool that runs from a checkout (the lab, the red team, the load test,
/// the example client, the tests) and for the sidecar's offline commands. The one copy of these lookups.
/// </summary>
public static class RepositoryPaths
{
    /// <summary>The file that marks the repository root.</summary>
    public const string SolutionFile = "NeuralSec.sln";

    /// <summary>The repository root: the nearest folder holding <see cref="SolutionFile"/> at or above the current
    /// folder, else above the running assembly's folder (tests and <c>dotnet run</c> run from bin/).</summary>
    /// <exception cref="DirectoryNotFoundException">Neither is inside a checkout.</exception>
    public static string Root() => TryRoot()
        ?? throw new DirectoryNotFoundException($"cannot find the repository root (no {SolutionFile} above {Directory.GetCurrentDirectory()} or {AppContext.BaseDirectory}); pass explicit paths");

    /// <summary>The repository root, or null outside a checkout.</summary>
    public static string? TryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            if (Above(start, dir => File.Exists(Path.Combine(dir, SolutionFile))) is { } root)
            {
                return root;
            }
        }

        return null;
    }

    /// <summary>The committed MNIST fixture.</summary>
    public static string MnistFile() => Path.Combine(Root(), "data", "mnist", "mnist-10k.bin.gz");

    /// <summary>The committed model repository (Triton layout).</summary>
    public static string ModelRepository() => Path.Combine(Root(), "models", "repository");

    /// <summary>Version 1 of a committed model.</summary>
    public static string ModelFile(string name) => Path.Combine(ModelRepository(), name, "1", "model.onnx");

    /// <summary>Generated, uncommitted outputs (adversarial sets, exported sets): <c>artifacts/&lt;name&gt;</c>.</summary>
    public static string Artifacts(string name) => Path.Combine(Root(), "artifacts", name);

    /// <summary>
    /// The model repository an offline command should use when none is given: the nearest <c>models/repository</c> at
    /// or above the current folder (a checkout, wherever in it the command runs), else the <c>models</c> folder shipped
    /// beside the executable (the container image); null when there is neither.
    /// </summary>
    public static string? LocateModelRepository(string? given = null)
    {
        if (given is not null)
        {
            return given;
        }

        if (Above(Directory.GetCurrentDirectory(), dir => Directory.Exists(Path.Combine(dir, "models", "repository"))) is { } checkout)
        {
            return Path.Combine(checkout, "models", "repository");
        }

        var shipped = Path.Combine(AppContext.BaseDirectory, "models");
        return Directory.Exists(shipped) ? shipped : null;
    }

    private static string? Above(string start, Func<string, bool> holds)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (holds(dir.FullName))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
