namespace NeuralSec.Policy.Descriptors;

/// <summary>One key of an <see cref="ObjectDescriptor"/>.</summary>
internal sealed record PropertyDescriptor(string Name, ValueDescriptor Value)
{
    public bool Required { get; init; }
}
