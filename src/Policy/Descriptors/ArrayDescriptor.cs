namespace NeuralSec.Policy.Descriptors;

/// <summary>A list whose entries all match <see cref="Items"/>.</summary>
internal sealed record ArrayDescriptor(ValueDescriptor Items) : ValueDescriptor
{
    public int MinItems { get; init; }

    public int? MaxItems { get; init; }

    /// <summary>Repeating an entry is an error (a model listed twice is a copy-paste slip, not a meaning).</summary>
    public bool UniqueItems { get; init; }
}
