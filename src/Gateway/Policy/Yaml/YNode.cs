namespace NeuralSec.Gateway.Policy.Yaml;

/// <summary>
/// One node of a policy document, with where it starts. Our own small tree rather than YamlDotNet's
/// RepresentationModel because that one throws on the first duplicate key, and every error of a file must be
/// reported at once.
/// </summary>
internal abstract class YNode(SourceLocation location)
{
    public SourceLocation Location { get; } = location;

    /// <summary>How the node reads in messages: "a string", "a list", "a mapping".</summary>
    public abstract string Describe();
}
