namespace NeuralSec.Policy.Descriptors;

/// <summary>
/// What one value of a policy may be. The validator walks a policy against a tree of these and the JSON Schema
/// generator prints the same tree, so the editor's squiggles and the sidecar's refusals cannot drift apart.
/// </summary>
internal abstract record ValueDescriptor
{
    /// <summary>One sentence for the schema's <c>description</c> (shown by editors on hover).</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary>Checks across the value's parts that the shape alone cannot say (a range's min ≤ max); run only
    /// when the value has the right shape. The schema does not express these.</summary>
    public IReadOnlyList<ValueRule> Rules { get; init; } = [];
}
