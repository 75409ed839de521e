namespace NeuralSec.Policy.Yaml;

/// <summary>One <c>key: value</c> pair of a mapping. Keys are scalars (the reader refuses complex keys).</summary>
internal sealed record YEntry(YScalar Key, YNode Value);
