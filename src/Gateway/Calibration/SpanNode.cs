namespace NeuralSec.Gateway.Calibration;

/// <summary>
/// A YAML node with where its text lies in the policy: character offsets, not line/column, because calibration edits
/// the file in place and must leave every other character (comments, order, quoting) as it was.
/// </summary>
internal sealed class SpanNode
{
    public required SpanNodeKind Kind { get; init; }

    /// <summary>Offset of the node's first character (a quote, <c>[</c>, <c>{</c> or the first <c>-</c>/key).</summary>
    public required int Start { get; init; }

    /// <summary>Offset just after the node's last character of content: for block collections the end of the last
    /// child, never the trailing blank lines and comments the parser counts into them.</summary>
    public required int End { get; init; }

    /// <summary>Zero-based column of <see cref="Start"/>: the indentation of a block mapping's keys.</summary>
    public int Column { get; init; }

    /// <summary>True for <c>[…]</c> and <c>{…}</c>.</summary>
    public bool IsFlow { get; init; }

    /// <summary>A scalar's value.</summary>
    public string Text { get; init; } = string.Empty;

    /// <summary>A sequence's items.</summary>
    public IReadOnlyList<SpanNode> Items { get; init; } = [];

    /// <summary>A mapping's key/value pairs, in file order.</summary>
    public IReadOnlyList<(SpanNode Key, SpanNode Value)> Entries { get; init; } = [];

    /// <summary>The value of the first entry with this key, or null (also for non-mappings).</summary>
    public SpanNode? Find(string key) => Entries.FirstOrDefault(e => e.Key.Kind == SpanNodeKind.Scalar && e.Key.Text == key).Value;
}
