using Microsoft.Extensions.Primitives;
using NeuralSec.Gateway.ClientState;
using NeuralSec.Gateway.Defenses;
using NeuralSec.Gateway.RateLimiting;

namespace NeuralSec.Gateway.Policy.Runtime;

/// <summary>
/// Follows the live policy snapshot through the store's change token: when a snapshot goes live (at start-up and on
/// every successful reload), the defenses of its revisions are built before their first request needs them, and the
/// defenses of revisions it retired are dropped, with the per-client state of policies it deleted.
/// </summary>
internal sealed class PolicyRevisionLifecycle(
    PolicyStore store,
    DefenseRegistry defenses,
    IClientStateStore clientState,
    IClientHistoryStore histories,
    INearDuplicateStore nearDuplicates,
    ILogger<PolicyRevisionLifecycle> logger) : IHostedService, IDisposable
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Registered after the policy watcher, which has loaded the first snapshot by now.
        _subscription = ChangeToken.OnChange(store.GetChangeToken, Apply);
        Apply();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _subscription = null;
    }

    private void Apply()
    {
        try
        {
            var snapshot = store.Current;
            defenses.Prebuild(snapshot.Policies);
            defenses.RetainOnly(snapshot.Policies);
            var live = snapshot.Policies.Select(ClientRateLimiter.Scope).ToHashSet(StringComparer.Ordinal);
            clientState.RetainScopes(live);
            histories.RetainScopes(live);
            nearDuplicates.RetainScopes(live);
        }
        catch (Exception ex)
        {
            // Runs on the reload's thread: it must never take the reload (or the host) down with it.
            Logging.Log.PolicyChangeFailed(logger, ex);
        }
    }
}
