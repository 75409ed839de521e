using NeuralSec.Data;
using NeuralSec.RedTeam.Stream;

namespace NeuralSec.RedTeam.Tests.Live;

/// <summary>
/// A real sidecar process for one test class, serving <c>mnist</c> from the committed repository under the test's
/// own policy files and the API keys of its <see cref="Accounts"/>, its policies, keys and alert file in a temp work
/// folder that goes with it.
/// </summary>
internal sealed class AccountsSidecar : IAsyncDisposable
{
    private readonly string _work;

    private AccountsSidecar(string work, SidecarProcess process) => (_work, Process) = (work, process);

    public SidecarProcess Process { get; }

    /// <param name="prefix">The work folder's name prefix (a test's own, to find what it left behind).</param>
    /// <param name="policies">Policy file name → YAML.</param>
    public static async Task<AccountsSidecar> StartAsync(string prefix, IReadOnlyDictionary<string, string> policies, Accounts accounts)
    {
        var work = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        var folder = Directory.CreateDirectory(Path.Combine(work, "policies")).FullName;
        foreach (var (file, yaml) in policies)
        {
            File.WriteAllText(Path.Combine(folder, file), yaml);
        }

        var keys = Path.Combine(work, "keys.txt");
        accounts.WriteKeysFile(keys);
        var binary = await SidecarProcess.BuiltGatewayAsync(RepositoryPaths.Root(), TextWriter.Null);
        var process = await SidecarProcess.StartAsync(binary, RepositoryPaths.ModelRepository(), ["mnist"], folder, keys, Path.Combine(work, "alerts.jsonl"), CancellationToken.None);
        return new AccountsSidecar(work, process);
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        WorkFolder.TryDelete(_work);
    }
}
