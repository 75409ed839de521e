using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using NeuralSec.Gateway.Alerts;
using NeuralSec.Policy.Model;
using NeuralSec.Policy.Validation;

namespace NeuralSec.Gateway.Policy.Runtime;

/// <summary>
/// The live policies. Requests read <see cref="Current"/> once and keep that snapshot; a reload validates the
/// whole directory and swaps a new snapshot in with one reference write, so no request ever sees half a change.
/// The first load must succeed (start-up fails otherwise, with every error); a later invalid directory is
/// refused — counted, logged, alerted — and the last good snapshot keeps serving.
/// </summary>
internal sealed class PolicyStore : IPolicyProvider, IDisposable
{
    private const int ErrorsInAlert = 3;

    private readonly PolicyValidator _validator;
    private readonly PolicyMetrics _metrics;
    private readonly IAlertPublisher? _alerts;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();

    private PolicySnapshot _current = PolicySnapshot.Empty;
    private CancellationTokenSource _changed = new();
    private string? _lastFingerprint;
    private bool _initialized;

    public PolicyStore(string directory, PolicyValidator validator, PolicyMetrics metrics, IAlertPublisher? alerts, ILogger<PolicyStore> logger, TimeProvider time)
    {
        Directory = directory;
        _validator = validator;
        _metrics = metrics;
        _alerts = alerts;
        _logger = logger;
        _time = time;
    }

    /// <summary>The policy folder, absolute.</summary>
    public string Directory { get; }

    /// <summary>The live snapshot; <see cref="PolicySnapshot.Empty"/> until <see cref="Initialize"/> ran.</summary>
    public PolicySnapshot Current => Volatile.Read(ref _current);

    /// <summary>Fires once when the next snapshot is swapped in (use <see cref="ChangeToken.OnChange(Func{IChangeToken?}, Action)"/>
    /// to follow every change).</summary>
    public IChangeToken GetChangeToken()
    {
        lock (_gate)
        {
            return new CancellationChangeToken(_changed.Token);
        }
    }

    /// <summary>Loads the directory for the first time; throws <see cref="PolicyValidationException"/> with every
    /// error when it is invalid. Does nothing on a second call.</summary>
    public void Initialize()
    {
        CancellationTokenSource fired;
        lock (_gate)
        {
            if (_initialized)
            {
                return;
            }

            var sources = PolicyDirectory.Read(Directory);
            var result = sources.Count == 0 ? NoPolicies() : _validator.ValidateSet(sources);
            if (!result.IsValid)
            {
                _metrics.Failed();
                throw new PolicyValidationException(Directory, result.Errors);
            }

            _lastFingerprint = PolicyDirectory.Fingerprint(sources);
            fired = Swap(result.Policies);
            _initialized = true;
        }

        Notify(fired);
    }

    /// <summary>Revalidates the directory and swaps it in when it changed and is valid. Safe to call from any
    /// thread; calls are serialized.</summary>
    public PolicyReloadOutcome Reload()
    {
        CancellationTokenSource fired;
        lock (_gate)
        {
            if (!_initialized)
            {
                throw new InvalidOperationException("PolicyStore.Initialize must run before Reload.");
            }

            IReadOnlyList<PolicySource> sources;
            try
            {
                sources = PolicyDirectory.Read(Directory);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // One alert per distinct failure, not one per poll while it lasts.
                var fingerprint = "unreadable:" + ex.Message;
                if (fingerprint == _lastFingerprint)
                {
                    return PolicyReloadOutcome.Unchanged;
                }

                _lastFingerprint = fingerprint;
                PolicyLog.ReadFailed(_logger, ex, Directory, Current.Generation);
                Refuse([$"{Directory}: {ex.Message}"], 1);
                return PolicyReloadOutcome.Failed;
            }

            var current = PolicyDirectory.Fingerprint(sources);
            if (current == _lastFingerprint)
            {
                return PolicyReloadOutcome.Unchanged;
            }

            _lastFingerprint = current;

            // An emptied folder (a ConfigMap with its keys removed, an rm *.yaml) would refuse every request: it is
            // refused like a deleted folder, and the last good policies keep serving.
            var result = sources.Count == 0 ? NoPolicies() : _validator.ValidateSet(sources);
            if (!result.IsValid)
            {
                PolicyLog.ReloadRefused(_logger, Current.Generation, result.Errors.Count, Directory, string.Join('\n', result.Errors));
                Refuse(result.Errors.Select(e => e.ToString()).ToArray(), result.Errors.Count);
                return PolicyReloadOutcome.Failed;
            }

            fired = Swap(result.Policies);
        }

        Notify(fired);
        return PolicyReloadOutcome.Succeeded;
    }

    private PolicySetResult NoPolicies() =>
        new([], [new PolicyError(Directory, 1, 1, "the folder holds no policy file (*.yaml, *.yml); with none, every request would be refused", "add at least a default policy (spec.models: [\"*\"])")]);

    public void Dispose()
    {
        lock (_gate)
        {
            _changed.Dispose();
        }
    }

    /// <summary>Makes the snapshot live; returns the change token source to fire once the lock is released (so
    /// listeners never run under it).</summary>
    private CancellationTokenSource Swap(IReadOnlyList<FirewallPolicy> policies)
    {
        var snapshot = new PolicySnapshot(policies, Current.Generation + 1);
        Interlocked.Exchange(ref _current, snapshot);
        _metrics.Succeeded(snapshot.Generation);
        PolicyLog.Loaded(_logger, Directory, snapshot.Generation, policies.Count, string.Join(", ", policies.Select(p => $"{p.Name}@{p.Revision}")));

        // Listeners get a fresh token first, then the old one fires: one that re-subscribes from its callback
        // must not be handed the token that is just firing.
        var fired = _changed;
        _changed = new CancellationTokenSource();
        return fired;
    }

    private static void Notify(CancellationTokenSource fired)
    {
        fired.Cancel();
        fired.Dispose();
    }

    private void Refuse(IReadOnlyList<string> errors, int errorCount)
    {
        _metrics.Failed();
        var generation = Current.Generation;
        var first = string.Join("; ", errors.Take(ErrorsInAlert));
        var more = errorCount > ErrorsInAlert ? $" (and {errorCount - ErrorsInAlert} more)" : string.Empty;
        _alerts?.Publish(new AlertEvent
        {
            Id = Guid.NewGuid().ToString("n"),
            Time = _time.GetUtcNow(),
            Kind = AlertKind.PolicyReloadFailed,
            Title = "Policy reload refused",
            Message = $"Policy change in {Directory} refused ({errorCount} error{(errorCount == 1 ? "" : "s")}); generation {generation} keeps serving. {first}{more}",
            Severity = AlertSeverity.High,
            Action = "refuse-reload",
        });
    }
}
