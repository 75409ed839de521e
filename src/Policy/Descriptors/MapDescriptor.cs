namespace NeuralSec.Policy.Descriptors;

/// <summary>A mapping with free-form keys (labels, annotations) whose values all match <see cref="Values"/>.</summary>
internal sealed record MapDescriptor(ValueDescriptor Values) : ValueDescriptor;
