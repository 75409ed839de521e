using NeuralSec.Gateway.Policy.Model;

namespace NeuralSec.Gateway.Policy.Validation;

/// <summary>A whole policy directory's outcome. Valid only when every file and the set as a whole are.</summary>
internal sealed record PolicySetResult(IReadOnlyList<FirewallPolicy> Policies, IReadOnlyList<PolicyError> Errors)
{
    public bool IsValid => Errors.Count == 0;
}
