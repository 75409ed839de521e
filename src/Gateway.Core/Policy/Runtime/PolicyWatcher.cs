using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace NeuralSec.Gateway.Policy.Runtime;

/// <summary>
/// Loads the policies at start-up (failing it when they are invalid) and then reloads on change: file-system
/// events, debounced, for speed; a content-hash poll as the safety net for everything events miss (a ConfigMap's
/// <c>..data</c> symlink swap, network volumes, dropped inotify events). Both just call
/// <see cref="PolicyStore.Reload"/>, which does nothing when the content is unchanged.
/// </summary>
internal sealed class PolicyWatcher(PolicyStore store, IOptions<PolicyOptions> options, TimeProvider time, ILogger<PolicyWatcher> logger)
    : IHostedService, IDisposable
{
    private readonly PolicyOptions _options = options.Value;
    private ITimer? _poll;
    private ITimer? _debounce;
    private FileSystemWatcher? _watcher;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        store.Initialize();
        _debounce = time.CreateTimer(_ => ReloadSafely("file-system event"), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _poll = time.CreateTimer(_ => ReloadSafely("poll"), null, _options.PollInterval, _options.PollInterval);
        if (_options.UseFileSystemWatcher)
        {
            StartWatcher();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _watcher = null;
        _poll?.Dispose();
        _debounce?.Dispose();
    }

    private void StartWatcher()
    {
        try
        {
            var watcher = new FileSystemWatcher(store.Directory)
            {
                IncludeSubdirectories = false,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            watcher.Changed += OnEvent;
            watcher.Created += OnEvent;
            watcher.Deleted += OnEvent;
            watcher.Renamed += OnEvent;
            watcher.Error += (_, e) => PolicyLog.WatcherUnavailable(logger, e.GetException(), store.Directory, _options.PollInterval);
            watcher.EnableRaisingEvents = true;
            _watcher = watcher;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            // Out of inotify watches and the like: polling alone still finds every change, a little later.
            PolicyLog.WatcherUnavailable(logger, ex, store.Directory, _options.PollInterval);
        }
    }

    /// <summary>Every event re-arms the one-shot timer, so a burst of events yields one reload after it ends.</summary>
    private void OnEvent(object sender, FileSystemEventArgs e) =>
        _debounce?.Change(_options.Debounce, Timeout.InfiniteTimeSpan);

    private void ReloadSafely(string trigger)
    {
        try
        {
            PolicyLog.ChangeDetected(logger, store.Directory, trigger);
            store.Reload();
        }
        catch (Exception ex)
        {
            // A timer callback that throws would take the process down; the last good policies must keep serving.
            PolicyLog.ReadFailed(logger, ex, store.Directory, store.Current.Generation);
        }
    }
}
