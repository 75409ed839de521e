namespace NeuralSec.Policy.Descriptors;

/// <summary>A mapping with a fixed set of keys; any other key is an error (a typo must not silently disable a
/// defense).</summary>
internal sealed record ObjectDescriptor(IReadOnlyList<PropertyDescriptor> Properties) : ValueDescriptor
{
    public PropertyDescriptor? Find(string name) => Properties.FirstOrDefault(p => p.Name == name);
}
