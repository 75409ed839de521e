using NeuralSec.Policy.Model;

namespace NeuralSec.Policy.Validation;

/// <summary>A whole policy directory's outcome. Valid only when every file and the set as a whole are.</summary>
public sealed record PolicySetResult(IReadOnlyList<FirewallPolicy> Policies, IReadOnlyList<PolicyError> Errors)
{
    public bool IsValid => Errors.Count == 0;
}
