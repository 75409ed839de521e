using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace NeuralSec.Gateway.Calibration;

/// <summary>
/// Reads a policy document into <see cref="SpanNode"/>s from YamlDotNet's parser events, whose marks carry character
/// offsets. The validator's own tree keeps only line and column (what messages need); rewriting needs exact extents.
/// Only called on text the validator accepted, so anchors, aliases and multiple documents do not occur.
/// </summary>
internal static class SpanTreeReader
{
    /// <exception cref="YamlException">The text is not YAML.</exception>
    public static SpanNode? Read(string text)
    {
        var parser = new Parser(new StringReader(text));
        parser.Consume<StreamStart>();
        if (!parser.TryConsume<DocumentStart>(out _))
        {
            return null;
        }

        return ReadNode(parser, text);
    }

    private static SpanNode ReadNode(IParser parser, string text)
    {
        var current = parser.Current ?? throw new YamlException("unexpected end of the document");
        var start = (int)current.Start.Index;
        var column = (int)Math.Max(0, current.Start.Column - 1);
        switch (current)
        {
            case Scalar scalar:
                parser.MoveNext();
                return new SpanNode { Kind = SpanNodeKind.Scalar, Start = start, End = (int)scalar.End.Index, Column = column, Text = scalar.Value };
            case SequenceStart sequence:
            {
                parser.MoveNext();
                var items = new List<SpanNode>();
                while (parser.Current is not SequenceEnd)
                {
                    items.Add(ReadNode(parser, text));
                }

                var end = parser.Current;
                parser.MoveNext();

                var flow = sequence.Style == SequenceStyle.Flow;
                return new SpanNode
                {
                    Kind = SpanNodeKind.Sequence,
                    Start = start,
                    End = flow || items.Count == 0 ? FlowEnd(text, end, ']') : items[^1].End,
                    Column = column,
                    IsFlow = flow,
                    Items = items,
                };
            }

            case MappingStart mapping:
            {
                parser.MoveNext();
                var entries = new List<(SpanNode, SpanNode)>();
                while (parser.Current is not MappingEnd)
                {
                    var key = ReadNode(parser, text);
                    entries.Add((key, ReadNode(parser, text)));
                }

                var end = parser.Current;
                parser.MoveNext();

                var flow = mapping.Style == MappingStyle.Flow;
                return new SpanNode
                {
                    Kind = SpanNodeKind.Mapping,
                    Start = start,
                    End = flow || entries.Count == 0 ? FlowEnd(text, end, '}') : entries[^1].Item2.End,
                    Column = column,
                    IsFlow = flow,
                    Entries = entries,
                };
            }

            default:
                throw new YamlException(current.Start, current.End, $"unexpected {current.GetType().Name} in a policy file");
        }
    }

    /// <summary>Just after a flow collection's closing bracket. YamlDotNet's end events are empty marks at the bracket.</summary>
    private static int FlowEnd(string text, ParsingEvent end, char bracket)
    {
        var at = (int)end.Start.Index;
        return at < text.Length && text[at] == bracket
            ? at + 1
            : throw new YamlException(end.Start, end.End, $"expected '{bracket}' at offset {at}");
    }
}
