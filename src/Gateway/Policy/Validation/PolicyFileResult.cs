using NeuralSec.Gateway.Policy.Model;
using NeuralSec.Gateway.Policy.Yaml;

namespace NeuralSec.Gateway.Policy.Validation;

/// <summary>One file's outcome: the policy when it is valid, its errors otherwise, and where the keys that
/// cross-file checks point at were written.</summary>
internal sealed record PolicyFileResult(string Path, FirewallPolicy? Policy, IReadOnlyList<PolicyError> Errors)
{
    public SourceLocation NameLocation { get; init; } = SourceLocation.Start;

    /// <summary>Where each of <see cref="FirewallPolicy.Models"/> was written, in the same order.</summary>
    public IReadOnlyList<SourceLocation> ModelLocations { get; init; } = [];
}
