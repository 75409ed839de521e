namespace NeuralSec.Policy.Descriptors;

/// <summary>A string, integer, number or boolean, with its bounds, allowed values or pattern.</summary>
internal sealed record ScalarDescriptor(ScalarType Type) : ValueDescriptor
{
    /// <summary>Inclusive lower bound (numbers and integers).</summary>
    public double? Minimum { get; init; }

    /// <summary>Exclusive lower bound, for "must be positive".</summary>
    public double? ExclusiveMinimum { get; init; }

    /// <summary>Inclusive upper bound.</summary>
    public double? Maximum { get; init; }

    /// <summary>For strings: the only values allowed (an enum); empty means any.</summary>
    public IReadOnlyList<string> AllowedValues { get; init; } = [];

    /// <summary>For strings: a .NET and ECMA-262 compatible regular expression the whole value must match.</summary>
    public string? Pattern { get; init; }

    /// <summary>What the pattern means, in words, for the error hint.</summary>
    public string? PatternHint { get; init; }

    /// <summary>An explicit <c>null</c> is allowed (and means something, e.g. "no default client").</summary>
    public bool Nullable { get; init; }

    /// <summary>For strings: names a file that must exist (relative to the policy file or the model repository).</summary>
    public bool IsFileReference { get; init; }

    /// <summary>The value the sidecar uses when the key is left out; shown in the schema.</summary>
    public object? Default { get; init; }
}
