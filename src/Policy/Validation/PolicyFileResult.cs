using NeuralSec.Policy.Model;
using NeuralSec.Policy.Yaml;

namespace NeuralSec.Policy.Validation;

/// <summary>One file's outcome: the policy when it is valid, its errors otherwise, and where the keys that
/// cross-file checks point at were written.</summary>
public sealed record PolicyFileResult(string Path, FirewallPolicy? Policy, IReadOnlyList<PolicyError> Errors)
{
    public SourceLocation NameLocation { get; init; } = SourceLocation.Start;

    /// <summary>Where each of <see cref="FirewallPolicy.Models"/> was written, in the same order.</summary>
    public IReadOnlyList<SourceLocation> ModelLocations { get; init; } = [];
}
