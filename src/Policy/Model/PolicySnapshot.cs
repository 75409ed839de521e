using System.Collections.Frozen;

namespace NeuralSec.Policy.Model;

/// <summary>
/// Every live policy at one moment, with the lookup the pipeline uses. Immutable: a reload builds a new snapshot
/// and swaps it in whole, so a request sees one consistent set from start to end.
/// </summary>
public sealed class PolicySnapshot
{
    private readonly IReadOnlyList<FirewallPolicy> _specific;

    public PolicySnapshot(IReadOnlyList<FirewallPolicy> policies, long generation)
    {
        Policies = policies;
        Generation = generation;
        Default = policies.FirstOrDefault(p => p.IsDefault);
        NamedModels = policies.SelectMany(p => p.Models).Where(m => m != "*").ToFrozenSet(StringComparer.Ordinal);

        // Most specific first: model + client group, then model only.
        _specific = policies.Where(p => !p.IsDefault).OrderByDescending(p => p.ClientGroups.Count > 0).ToArray();
    }

    public static PolicySnapshot Empty { get; } = new([], 0);

    public IReadOnlyList<FirewallPolicy> Policies { get; }

    /// <summary>Increases with every successful reload.</summary>
    public long Generation { get; }

    public FirewallPolicy? Default { get; }

    /// <summary>Every model a policy names explicitly: the operator's list, so the only model names that may become
    /// metric labels (a caller can ask for any name; the default policy's <c>*</c> names none).</summary>
    public FrozenSet<string> NamedModels { get; }

    /// <summary>The policy for a model and (optionally) the caller's client group; null when none applies.</summary>
    public FirewallPolicy? Select(string model, string? clientGroup)
    {
        foreach (var policy in _specific)
        {
            if (!policy.Models.Contains(model))
            {
                continue;
            }

            if (policy.ClientGroups.Count == 0 || (clientGroup is not null && policy.ClientGroups.Contains(clientGroup)))
            {
                return policy;
            }
        }

        return Default is { ClientGroups.Count: 0 } || (clientGroup is not null && Default?.ClientGroups.Contains(clientGroup) == true) ? Default : null;
    }
}
