using System.Collections.Concurrent;
using NeuralSec.Data;
using NeuralSec.Tests.Shared;

namespace NeuralSec.Repository.Tests.DocCommands;

/// <summary>
/// An executable of the repository as the docs name it: <c>neuralsec</c> in a doc is the binary of the image, or
/// <c>dotnet run -c Release --project src/Gateway --</c> in a checkout (README, "Ops commands"). The check runs the
/// build of the configuration these tests were built in, so it needs the solution built (run-tests.sh does that;
/// this project's build-order references make <c>dotnet build tests/Repository.Tests</c> do it too).
/// </summary>
internal sealed class NeuralSecTool
{
    /// <summary>A hang guard for one run of a tool, not a timing assertion.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    private readonly ConcurrentDictionary<string, Lazy<Task<HelpPage>>> _help = new(StringComparer.Ordinal);

    private NeuralSecTool(string name, string project, string assembly)
    {
        Name = name;
        Project = project;
        Assembly = assembly;
    }

    public static IReadOnlyList<NeuralSecTool> All { get; } =
    [
        new("neuralsec", "src/Gateway", "neuralsec"),
        new("neuralsec-lab", "src/Lab.Cli", "neuralsec-lab"),
        new("neuralsec-redteam", "src/RedTeam", "neuralsec-redteam"),
        new("neuralsec-loadtest", "loadtests/LoadTest", "neuralsec-loadtest"),
        new("mnist-client", "examples/MnistClient", "mnist-client"),
    ];

    public string Name { get; }

    /// <summary>The project folder, from the repository root, with '/'.</summary>
    public string Project { get; }

    public string Assembly { get; }

    public static NeuralSecTool? ByName(string name) => All.FirstOrDefault(t => t.Name == name);

    public static NeuralSecTool? ByProject(string project) => All.FirstOrDefault(t => t.Project == project.TrimEnd('/'));

    /// <summary>The built dll: the same configuration and target framework as this test assembly's.</summary>
    public string Dll()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (testOutput.Name, testOutput.Parent!.Name);
        return Path.Combine(RepositoryPaths.Root(), Project, "bin", configuration, framework, Assembly + ".dll");
    }

    /// <summary>The help page of the command <paramref name="path"/> (empty: the root command), read once.</summary>
    public Task<HelpPage> HelpAsync(IReadOnlyList<string> path) =>
        _help.GetOrAdd(string.Join(' ', path), _ => new Lazy<Task<HelpPage>>(async () =>
        {
            var (code, output, error) = await RunAsync([.. path, "--help"]);
            return code == 0 ? HelpPage.Parse(output) : throw new InvalidOperationException($"{Name} {string.Join(' ', path)} --help exited {code}: {error}");
        })).Value;

    /// <summary>Runs the tool from the repository root, as the docs' commands are written.</summary>
    public Task<(int Code, string Output, string Error)> RunAsync(IEnumerable<string> args) =>
        DotnetProgram.RunAsync(DotnetProgram.Find(Dll()), args, Limit, RepositoryPaths.Root());
}
