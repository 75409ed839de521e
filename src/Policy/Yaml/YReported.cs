namespace NeuralSec.Policy.Yaml;

/// <summary>Stands in for a node the reader already reported (an alias), so the validator adds no second error
/// about the same spot.</summary>
internal sealed class YReported(SourceLocation location) : YNode(location)
{
    public override string Describe() => "an unsupported node";
}
