using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using NeuralSec.Detectors.Images;
using NeuralSec.Gateway.Options;
using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.Defenses;

/// <summary>
/// Builds each policy revision's defenses on first use and keeps them as long as the revision lives; a reload
/// brings new policy objects and so new defenses, and the old ones go with their snapshot.
/// </summary>
internal sealed class DefenseRegistry(IOptions<GatewayOptions> options, IHostEnvironment environment)
{
    private readonly ConditionalWeakTable<FirewallPolicy, Lazy<PolicyDefenses>> _built = new();
    private readonly string _modelRepository = Path.GetFullPath(options.Value.OnnxRuntime.ModelRepository, environment.ContentRootPath);

    /// <summary>The policy's defenses. Building errors (a pool file that cannot be read) are thrown to the
    /// caller, so the policy's fail-open/fail-closed rule applies to them, and are not cached: the next request
    /// tries again, so a file that comes back heals the policy without a reload.</summary>
    public PolicyDefenses For(FirewallPolicy policy) =>
        _built.GetValue(policy, p => new Lazy<PolicyDefenses>(() => PolicyDefenses.Build(p, LoadImages), LazyThreadSafetyMode.PublicationOnly)).Value;

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
