namespace NeuralSec.Detectors.Catalog;

/// <summary>One option of a defense: its name in the policy, type, bounds and default. The policy validator,
/// the JSON Schema and the defense's own options class all read this one definition.</summary>
public sealed record OptionDefinition(string Name, OptionKind Kind, string Description)
{
    public bool Required { get; init; }

    /// <summary>Inclusive lower bound for numbers, integers and the entries of number lists.</summary>
    public double? Minimum { get; init; }

    /// <summary>Inclusive upper bound for numbers, integers and the entries of number lists.</summary>
    public double? Maximum { get; init; }

    /// <summary>For <see cref="OptionKind.Enum"/> and <see cref="OptionKind.StringList"/>.</summary>
    public IReadOnlyList<string> AllowedValues { get; init; } = [];

    /// <summary>The value used when the policy leaves the option out (null: no default).</summary>
    public object? Default { get; init; }

    /// <summary>For <see cref="OptionKind.String"/>: the value names a file (a model, a clean-sample pool) that must
    /// exist, relative to the policy file or the model repository. The policy validator checks it, so a typo fails
    /// validation instead of failing the first request.</summary>
    public bool IsFileReference { get; init; }
}
