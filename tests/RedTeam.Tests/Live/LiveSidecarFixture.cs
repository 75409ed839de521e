using NeuralSec.Data;
using NeuralSec.RedTeam.Live;
using NeuralSec.RedTeam.Stream;

namespace NeuralSec.RedTeam.Tests.Live;

/// <summary>
/// One real sidecar process on loopback for the <c>attack --target</c> tests, run as a deployment would run it: the
/// shipped policy for ordinary keys, a monitor-mode copy of it for client group <c>monitor</c>, the red team's
/// pass-through for group <c>redteam-baseline</c>, a JSON-lines alert file.
/// </summary>
public sealed class LiveSidecarFixture : IAsyncLifetime
{
    public const string DefendedKey = "attack-test-defended";
    public const string MonitorKey = "attack-test-monitor";
    public const string BaselineKey = "attack-test-baseline";

    private readonly string _work = Path.Combine(Path.GetTempPath(), $"attack-fixture-{Guid.NewGuid():N}");
    private SidecarProcess? _sidecar;

    public Uri Target => _sidecar?.Grpc ?? throw new InvalidOperationException("not started");

    public string AlertFile => Path.Combine(_work, "alerts.jsonl");

    public string Policies => Path.Combine(_work, "policies");

    public async Task InitializeAsync()
    {
        var root = RepositoryPaths.Root();
        LivePolicies.Write(root, null, ["mnist"], Policies);
        var shipped = File.ReadAllText(Path.Combine(root, "policies", "mnist.yaml"));
        var monitor = shipped
            .Replace("name: mnist-default", "name: mnist-monitor", StringComparison.Ordinal)
            .Replace("  models: [mnist]\n  mode: enforce", "  models: [mnist]\n  clientGroups: [monitor]\n  mode: monitor", StringComparison.Ordinal);
        Assert.Contains("mode: monitor", monitor, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(Policies, "mnist-monitor.yaml"), monitor);
        var keys = Path.Combine(_work, "keys.txt");
        File.WriteAllLines(keys, [Line("defended", "", DefendedKey), Line("monitor", "monitor", MonitorKey), Line("baseline", TargetSide.BaselineGroup, BaselineKey)]);
        var binary = await SidecarProcess.BuiltGatewayAsync(root, TextWriter.Null);
        _sidecar = await SidecarProcess.StartAsync(binary, RepositoryPaths.ModelRepository(), ["mnist", "mnist-autoencoder"], Policies, keys, AlertFile, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_sidecar is not null)
        {
            await _sidecar.DisposeAsync();
        }

        WorkFolder.TryDelete(_work);
    }

    private static string Line(string client, string group, string key) =>
        $"{client}:{group}:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)))}";
}
