namespace NeuralSec.Policy.Yaml;

/// <summary>A list, block (<c>- a</c> lines) or flow (<c>[a, b]</c>).</summary>
internal sealed class YSequence(SourceLocation location, IReadOnlyList<YNode> items) : YNode(location)
{
    public IReadOnlyList<YNode> Items { get; } = items;

    /// <summary>True for <c>[…]</c>.</summary>
    public bool IsFlow { get; init; }

    public override string Describe() => "a list";
}
