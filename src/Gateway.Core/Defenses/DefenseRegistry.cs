using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using NeuralSec.Detectors.Images;
using NeuralSec.Gateway.Options;
using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.Defenses;

/// <summary>
/// The defenses of each live policy revision, built once and shared by every request under it. A new revision's are
/// built when it goes live (<see cref="Prebuild"/>, from <see cref="PolicyRevisionLifecycle"/>), not by its first
/// request, and a retired revision's are dropped (<see cref="RetainOnly"/>).
/// </summary>
internal sealed class DefenseRegistry(IOptions<GatewayOptions> options, IHostEnvironment environment, FingerprintSecret secret, ILogger<DefenseRegistry> logger)
{
    private readonly ConcurrentDictionary<FirewallPolicy, Lazy<PolicyDefenses>> _built = new(ReferenceEqualityComparer.Instance);
    private readonly string _modelRepository = Path.GetFullPath(options.Value.OnnxRuntime.ModelRepository, environment.ContentRootPath);

    /// <summary>The policy's defenses. Building errors (a pool file that cannot be read) are thrown to the
    /// caller, so the policy's fail-open/fail-closed rule applies to them, and are not cached: the next request
    /// tries again, so a file that comes back heals the policy without a reload.</summary>
    public PolicyDefenses For(FirewallPolicy policy)
    {
        var lazy = _built.GetOrAdd(policy, p => new Lazy<PolicyDefenses>(() => PolicyDefenses.Build(p, LoadImages, secret.Bytes), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            // A failed build must not stick: the next request rebuilds (ExecutionAndPublication caches exceptions).
            _built.TryRemove(new KeyValuePair<FirewallPolicy, Lazy<PolicyDefenses>>(policy, lazy));
            throw;
        }
    }

    /// <summary>Builds the defenses of every policy of a new snapshot ahead of its first request. A failure is
    /// logged, not thrown: that policy's requests then meet it under their onError rule, and retry the build.</summary>
    public void Prebuild(IEnumerable<FirewallPolicy> policies)
    {
        foreach (var policy in policies)
        {
            try
            {
                For(policy);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Logging.Log.DefensePrebuildFailed(logger, ex, policy.Name, policy.Revision);
            }
        }
    }

    /// <summary>Drops the defenses of policies no longer live.</summary>
    public void RetainOnly(IReadOnlyCollection<FirewallPolicy> live)
    {
        var keep = new HashSet<FirewallPolicy>(live, ReferenceEqualityComparer.Instance);
        foreach (var policy in _built.Keys)
        {
            if (!keep.Contains(policy))
            {
                _built.TryRemove(policy, out _);
            }
        }
    }

    /// <summary>Policies whose defenses are held now (for tests and diagnostics).</summary>
    public int Count => _built.Count;

    /// <summary>Reads an image set named by a policy option: relative to the policy's folder, else to the model
    /// repository (where fixture pools live beside their models).</summary>
    private ImageBatch LoadImages(string policyFile, string reference)
    {
        var candidates = Path.IsPathRooted(reference)
            ? [reference]
            : new[] { Path.Combine(Path.GetDirectoryName(policyFile) ?? ".", reference), Path.Combine(_modelRepository, reference) };
        var path = candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"image set '{reference}' not found (looked in: {string.Join(", ", candidates)})");
        return ImageSetFile.Read(path);
    }
}
