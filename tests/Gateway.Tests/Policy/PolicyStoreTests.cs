using NeuralSec.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using NeuralSec.Gateway.Alerts;
using NeuralSec.Gateway.Policy.Runtime;
using NeuralSec.Policy.Tests;
using NeuralSec.Policy.Validation;
using Prometheus;

namespace NeuralSec.Gateway.Tests.Policy;

/// <summary>
/// Reload behaviour on a real folder with a hand-moved clock: the poll timer fires only when the test advances
/// time, so every step is deterministic. File-system events are off except in the one test about them.
/// </summary>
public sealed class PolicyStoreTests : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("neuralsec-store-");
    private readonly FakeTimeProvider _clock = new();
    private readonly FakeAlertPublisher _alerts = new();
    private readonly CollectorRegistry _registry = Prometheus.Metrics.NewCustomRegistry();
    private readonly PolicyMetrics _metrics;
    private PolicyStore? _store;
    private PolicyWatcher? _watcher;

    public PolicyStoreTests()
    {
        _metrics = new PolicyMetrics(_registry);
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _store?.Dispose();
        _folder.Delete(recursive: true);
    }

    [Fact]
    public async Task FirstLoad_ServesTheDirectory()
    {
        Write("mnist.yaml", Policy("mnist", "[mnist]"));
        Write("default.yaml", Policy("default", "[\"*\"]"));

        var store = await StartAsync();

        Assert.Equal(1, store.Current.Generation);
        Assert.Equal(["default", "mnist"], store.Current.Policies.Select(p => p.Name).Order());
        Assert.Equal("mnist", store.Current.Select("mnist", null)?.Name);
        Assert.Equal(1, _metrics.Reloads.WithLabels("success").Value);
        Assert.Equal(1, _metrics.Generation.Value);
    }

    [Fact]
    public async Task FirstLoad_Invalid_FailsStartUp_WithEveryError()
    {
        Write("a.yaml", Policy("a", "[mnist]") + "  mdoe: enforce\n");
        Write("b.yaml", Policy("b", "[other]") + "  output: { topK: 0 }\n");

        var error = await Assert.ThrowsAsync<PolicyValidationException>(() => StartAsync());

        Assert.Equal(2, error.Errors.Count);
        Assert.Contains("a.yaml:7:3: error: unknown key 'mdoe' in spec (did you mean 'mode'?)", error.Message, StringComparison.Ordinal);
        Assert.Contains("b.yaml:7:19: error: output.topK must be between 1 and 1000, not 0", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, _metrics.Reloads.WithLabels("failure").Value);
    }

    [Fact]
    public async Task ValidChange_IsSwappedIn_AndGenerationIncrements()
    {
        Write("mnist.yaml", Policy("mnist", "[mnist]"));
        var store = await StartAsync();
        var first = store.Current;
        var token = store.GetChangeToken();

        Write("mnist.yaml", Policy("mnist", "[mnist]") + "  mode: monitor\n");
        _clock.Advance(Poll);

        Assert.Equal(2, store.Current.Generation);
        Assert.Equal(NeuralSec.Policy.Model.PolicyMode.Monitor, store.Current.Policies[0].Mode);
        Assert.NotEqual(first.Policies[0].Revision, store.Current.Policies[0].Revision);
        Assert.True(token.HasChanged);
        Assert.Equal(2, _metrics.Reloads.WithLabels("success").Value);
        Assert.Equal(2, _metrics.Generation.Value);
        Assert.Empty(_alerts.Published);
    }

    [Fact]
    public async Task UnchangedContent_IsNotReloaded()
    {
        Write("mnist.yaml", Policy("mnist", "[mnist]"));
        var store = await StartAsync();

        File.SetLastWriteTimeUtc(Path.Combine(_folder.FullName, "mnist.yaml"), DateTime.UtcNow.AddMinutes(1));
        _clock.Advance(Poll * 3);

        Assert.Equal(1, store.Current.Generation);
        Assert.Equal(PolicyReloadOutcome.Unchanged, store.Reload());
    }

    [Fact]
    public async Task InvalidChange_IsRefused_LastGoodKeepsServing_CountedAndAlerted()
    {
        Write("mnist.yaml", Policy("mnist", "[mnist]"));
        var store = await StartAsync();
        var good = store.Current;

        Write("mnist.yaml", Policy("mnist", "[mnist]") + "  mode: enfroce\n");
        _clock.Advance(Poll);

        Assert.Same(good, store.Current);
        Assert.Equal(1, _metrics.Reloads.WithLabels("failure").Value);
        Assert.Equal(1, _metrics.Generation.Value);
        var alert = Assert.Single(_alerts.Published);
        Assert.Equal(AlertKind.PolicyReloadFailed, alert.Kind);
        Assert.Equal(AlertSeverity.High, alert.Severity);
        Assert.Equal("refuse-reload", alert.Action);
        Assert.Equal(_clock.GetUtcNow(), alert.Time);
        Assert.Contains("generation 1 keeps serving", alert.Message, StringComparison.Ordinal);
        Assert.Contains("mnist.yaml:7:9: error: 'enfroce' is not a valid mode (did you mean 'enforce'?)", alert.Message, StringComparison.Ordinal);

        // The same broken content is not re-alerted on every poll.
        _clock.Advance(Poll * 5);
        Assert.Single(_alerts.Published);

        Write("mnist.yaml", Policy("mnist", "[mnist]") + "  mode: monitor\n");
        _clock.Advance(Poll);

        Assert.Equal(2, store.Current.Generation);
        Assert.Equal(1, _metrics.Reloads.WithLabels("failure").Value);
    }

    [Fact]
    public async Task UnparsableYaml_IsARefusedReload_AtTheLineThatOpenedTheBracket()
    {
        // An unclosed flow mapping inside block YAML makes YamlDotNet's scanner throw InvalidOperationException
        // rather than a YamlException (found by fuzzing); it must still be a refused reload with a line.
        Write("mnist.yaml", Policy("mnist", "[mnist]"));
        var store = await StartAsync();
        var good = store.Current;

        Write("mnist.yaml", Policy("mnist", "[mnist]") + "  output:\n    topK: {2\n  mode: enforce\n");
        _clock.Advance(Poll);

        Assert.Same(good, store.Current);
        Assert.Equal(1, _metrics.Reloads.WithLabels("failure").Value);
        var alert = Assert.Single(_alerts.Published);
        Assert.Equal(AlertKind.PolicyReloadFailed, alert.Kind);
        Assert.Contains("mnist.yaml:8:11: error: invalid YAML: the '{' opened here is not closed", alert.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmptiedDirectory_IsRefused_AndAlerted_LikeADeletedOne()
    {
        Write("mnist.yaml", Policy("mnist", "[mnist]"));
        var store = await StartAsync();
        var good = store.Current;

        File.Delete(Path.Combine(_folder.FullName, "mnist.yaml"));
        _clock.Advance(Poll);

        Assert.Same(good, store.Current);
        Assert.Equal(1, _metrics.Reloads.WithLabels("failure").Value);
        var alert = Assert.Single(_alerts.Published);
        Assert.Equal(AlertKind.PolicyReloadFailed, alert.Kind);
        Assert.Contains("holds no policy file", alert.Message, StringComparison.Ordinal);

        Write("mnist.yaml", Policy("mnist", "[mnist]") + "  mode: monitor\n");
        _clock.Advance(Poll);
        Assert.Equal(2, store.Current.Generation);
    }

    [Fact]
    public async Task DeletedDirectory_IsRefused_AndAlerted()
    {
        Write("mnist.yaml", Policy("mnist", "[mnist]"));
        var store = await StartAsync();
        var good = store.Current;

        _folder.Delete(recursive: true);
        _clock.Advance(Poll);

        Assert.Same(good, store.Current);
        Assert.Equal(1, _metrics.Reloads.WithLabels("failure").Value);
        Assert.Equal(AlertKind.PolicyReloadFailed, Assert.Single(_alerts.Published).Kind);
        _folder.Create();
    }

    [Fact]
    public async Task FirstLoad_OfAnEmptyDirectory_FailsStartUp()
    {
        var error = await Assert.ThrowsAsync<PolicyValidationException>(() => StartAsync());

        Assert.Contains("holds no policy file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CrossFileConflict_IsRefused()
    {
        Write("mnist.yaml", Policy("mnist", "[mnist]"));
        var store = await StartAsync();

        Write("mnist-copy.yaml", Policy("mnist-copy", "[mnist]"));
        _clock.Advance(Poll);

        Assert.Equal(1, store.Current.Generation);
        Assert.Contains("is already governed by policy", Assert.Single(_alerts.Published).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigMapSymlinkSwap_IsDetectedByPolling()
    {
        // The layout the kubelet writes for a mounted ConfigMap: the visible files are symlinks through `..data`,
        // itself a symlink to a hidden timestamped folder; an update writes a new folder and renames a fresh
        // `..data` link over the old one (one atomic rename), so the visible files never change themselves.
        var v1 = Directory.CreateDirectory(Path.Combine(_folder.FullName, "..2025_01_01_00_00_00.1"));
        File.WriteAllText(Path.Combine(v1.FullName, "mnist.yaml"), Policy("mnist", "[mnist]"));
        Directory.CreateSymbolicLink(Path.Combine(_folder.FullName, "..data"), v1.Name);
        File.CreateSymbolicLink(Path.Combine(_folder.FullName, "mnist.yaml"), Path.Combine("..data", "mnist.yaml"));
        var store = await StartAsync();
        Assert.Equal(["mnist"], store.Current.Policies.Select(p => p.Name));

        var v2 = Directory.CreateDirectory(Path.Combine(_folder.FullName, "..2025_01_01_00_05_00.2"));
        File.WriteAllText(Path.Combine(v2.FullName, "mnist.yaml"), Policy("mnist", "[mnist]") + "  mode: monitor\n");
        Directory.CreateSymbolicLink(Path.Combine(_folder.FullName, "..data_tmp"), v2.Name);
        Rename(Path.Combine(_folder.FullName, "..data_tmp"), Path.Combine(_folder.FullName, "..data"));
        v1.Delete(recursive: true);
        _clock.Advance(Poll);

        Assert.Equal(2, store.Current.Generation);
        Assert.Equal(NeuralSec.Policy.Model.PolicyMode.Monitor, store.Current.Policies[0].Mode);
    }

    [Fact]
    public async Task FileSystemEvents_TriggerADebouncedReload()
    {
        Write("mnist.yaml", Policy("mnist", "[mnist]"));
        var store = new PolicyStore(_folder.FullName, new PolicyValidator(TestCatalog.All), _metrics, _alerts, NullLogger<PolicyStore>.Instance, TimeProvider.System);
        _store = store;
        _watcher = new PolicyWatcher(store, Microsoft.Extensions.Options.Options.Create(new PolicyOptions
        {
            Directory = _folder.FullName,
            PollInterval = TimeSpan.FromHours(1),
            Debounce = TimeSpan.FromMilliseconds(50),
        }), TimeProvider.System, NullLogger<PolicyWatcher>.Instance);
        await _watcher.StartAsync(CancellationToken.None);

        Write("mnist.yaml", Policy("mnist", "[mnist]") + "  mode: monitor\n");

        // Events arrive on their own thread; wait for the swap, bounded.
        await Wait.Until(() => store.Current.Generation >= 2, "the reload triggered by the file-system event");

        Assert.Equal(2, store.Current.Generation);
    }

    private async Task<PolicyStore> StartAsync()
    {
        var store = new PolicyStore(_folder.FullName, new PolicyValidator(TestCatalog.All), _metrics, _alerts, NullLogger<PolicyStore>.Instance, _clock);
        _store = store;
        _watcher = new PolicyWatcher(store, Microsoft.Extensions.Options.Options.Create(new PolicyOptions
        {
            Directory = _folder.FullName,
            PollInterval = Poll,
            UseFileSystemWatcher = false,
        }), _clock, NullLogger<PolicyWatcher>.Instance);
        await _watcher.StartAsync(CancellationToken.None);
        return store;
    }

    private void Write(string name, string content) => File.WriteAllText(Path.Combine(_folder.FullName, name), content);

    /// <summary>rename(2), which replaces the target link atomically as the kubelet does.</summary>
    private static void Rename(string from, string to)
    {
        if (Native.rename(from, to) != 0)
        {
            throw new IOException($"rename {from} -> {to} failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
        }
    }

    private static string Policy(string name, string models) => $"""
        apiVersion: neuralsec.io/v1
        kind: FirewallPolicy
        metadata:
          name: {name}
        spec:
          models: {models}

        """;

    private static class Native
    {
        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true, CharSet = System.Runtime.InteropServices.CharSet.Ansi)]
#pragma warning disable CA2101, CA5392, SYSLIB1054 // test-only P/Invoke to the C library's rename
        public static extern int rename(string oldpath, string newpath);
#pragma warning restore CA2101, CA5392, SYSLIB1054
    }
}
