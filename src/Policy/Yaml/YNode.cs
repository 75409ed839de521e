namespace NeuralSec.Policy.Yaml;

/// <summary>
/// One node of a policy document, with where its text lies. Our own small tree rather than YamlDotNet's
/// RepresentationModel because that one throws on the first duplicate key, and every error of a file must be
/// reported at once. The one tree both validation (line and column for messages) and in-place editing (character
/// offsets, so every other character of the file stays as written) read.
/// </summary>
internal abstract class YNode(SourceLocation location)
{
    /// <summary>Where the node starts, for messages.</summary>
    public SourceLocation Location { get; } = location;

    /// <summary>Offset of the node's first character (a quote, <c>[</c>, <c>{</c>, or the first <c>-</c>/key).</summary>
    public int Start { get; init; }

    /// <summary>Offset just after the node's last character of content: for block collections the end of the last
    /// child, never the trailing blank lines and comments the parser counts into them.</summary>
    public int End { get; init; }

    /// <summary>Zero-based column of <see cref="Start"/>: the indentation of a block mapping's keys.</summary>
    public int Indent => Location.Column - 1;

    /// <summary>How the node reads in messages: "a string", "a list", "a mapping".</summary>
    public abstract string Describe();
}
