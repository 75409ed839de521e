using System.Text.RegularExpressions;
using NeuralSec.Policy.Validation;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace NeuralSec.Policy.Yaml;

/// <summary>
/// Reads one policy document from YamlDotNet's parser events into a <see cref="YNode"/> tree that keeps every
/// node's position and every duplicate key. Syntax errors end the read (the parser cannot resync), everything
/// else is reported and read past.
/// </summary>
internal static partial class YamlTreeReader
{
    private const string CoreTagPrefix = "tag:yaml.org,2002:";

    /// <summary>The document's root, or null when the file is empty or not YAML (the reason is in
    /// <paramref name="diagnostics"/>).</summary>
    public static YNode? Read(string text, PolicyDiagnostics diagnostics)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var reader = new Reader(new Parser(new StringReader(text)), text, diagnostics);
        try
        {
            reader.Parser.Consume<StreamStart>();
            if (!reader.Parser.TryConsume<DocumentStart>(out _))
            {
                diagnostics.Add(SourceLocation.Start, "the file holds no policy document");
                return null;
            }

            var root = reader.ReadNode();
            reader.Parser.Consume<DocumentEnd>();
            if (reader.Parser.Accept<DocumentStart>(out var next))
            {
                diagnostics.Add(At(next.Start), "a policy file holds exactly one document", "put each policy in its own file");
            }

            return root;
        }
        catch (YamlException ex)
        {
            var message = StripMarkPrefix(ex.InnerException is YamlException inner ? inner.Message : ex.Message);
            reader.ReportSyntaxError(At(ex.Start), message);
            return null;
        }
        catch (InvalidOperationException ex)
        {
            // YamlDotNet's scanner throws this for some malformed streams instead of a YamlException; it is still the
            // file's fault, and the operator needs a place, not the parser's state.
            reader.ReportSyntaxError(reader.LastPosition, "the parser could not read past this point (" + ex.Message + ")", blameOpenBracket: true);
            return null;
        }
    }

    /// <summary>One read: the parser, the text (for offsets) and the flow collections still open, so an unclosed
    /// bracket is reported where it was opened rather than at the end of the file.</summary>
    private sealed class Reader(IParser parser, string text, PolicyDiagnostics diagnostics)
    {
        private readonly List<(char Bracket, SourceLocation Opened)> _openFlows = [];

        public IParser Parser { get; } = parser;

        /// <summary>Where the last event the reader saw began.</summary>
        public SourceLocation LastPosition { get; private set; } = SourceLocation.Start;

        /// <summary>Reports the error that ended the read. Inside a flow collection opened on an earlier line (or when
        /// <paramref name="blameOpenBracket"/>: the parser lost its place), the likely cause is that bracket, so the
        /// error points at the line that opened it.</summary>
        public void ReportSyntaxError(SourceLocation at, string message, bool blameOpenBracket = false)
        {
            if (_openFlows.Count > 0 && _openFlows[^1] is var (bracket, opened) && (blameOpenBracket || at.Line > opened.Line))
            {
                var closing = bracket == '[' ? ']' : '}';
                diagnostics.Add(opened, $"invalid YAML: the '{bracket}' opened here is not closed ({message})", $"close it with '{closing}'");
                return;
            }

            diagnostics.Add(at, "invalid YAML: " + message);
        }

        public YNode ReadNode()
        {
            var current = Parser.Current ?? throw new YamlException("unexpected end of the document");
            LastPosition = At(current.Start);
            if (current is NodeEvent { Anchor.IsEmpty: false } anchored)
            {
                // Aliases would let a small file expand into a huge tree; a policy has no need for them.
                diagnostics.Add(At(anchored.Start), "anchors (&) and aliases (*) are not supported in policy files", "write the value out");
            }

            var start = (int)current.Start.Index;
            switch (current)
            {
                case Scalar scalar:
                    Parser.MoveNext();
                    return ToScalar(scalar, diagnostics);
                case SequenceStart sequence:
                {
                    var flow = sequence.Style == SequenceStyle.Flow;
                    Open(flow, '[', sequence);
                    var items = new List<YNode>();
                    while (Parser.Current is not SequenceEnd)
                    {
                        items.Add(ReadNode());
                    }

                    var end = Close(flow);
                    return new YSequence(At(sequence.Start), items)
                    {
                        Start = start,
                        End = flow || items.Count == 0 ? FlowEnd(end, ']') : items[^1].End,
                        IsFlow = flow,
                    };
                }

                case MappingStart mapping:
                {
                    var flow = mapping.Style == MappingStyle.Flow;
                    Open(flow, '{', mapping);
                    var entries = new List<YEntry>();
                    YNode? last = null;
                    while (Parser.Current is not MappingEnd)
                    {
                        var key = ReadNode();
                        var value = ReadNode();
                        last = value;
                        if (key is YScalar scalarKey)
                        {
                            entries.Add(new YEntry(scalarKey, value));
                        }
                        else
                        {
                            diagnostics.Add(key.Location, "mapping keys must be plain names, not " + key.Describe());
                        }
                    }

                    var end = Close(flow);
                    return new YMapping(At(mapping.Start), entries)
                    {
                        Start = start,
                        End = flow || last is null ? FlowEnd(end, '}') : last.End,
                        IsFlow = flow,
                    };
                }

                case AnchorAlias alias:
                    Parser.MoveNext();
                    diagnostics.Add(At(alias.Start), "anchors (&) and aliases (*) are not supported in policy files", "write the value out");
                    return new YReported(At(alias.Start)) { Start = start, End = (int)alias.End.Index };
                default:
                    throw new YamlException(current.Start, current.End, $"unexpected {current.GetType().Name}");
            }
        }

        private void Open(bool flow, char bracket, ParsingEvent start)
        {
            if (flow)
            {
                _openFlows.Add((bracket, At(start.Start)));
            }

            Parser.MoveNext();
        }

        /// <summary>Consumes the collection's end event and returns it.</summary>
        private ParsingEvent Close(bool flow)
        {
            var end = Parser.Current!;
            Parser.MoveNext();
            if (flow)
            {
                _openFlows.RemoveAt(_openFlows.Count - 1);
            }

            return end;
        }

        /// <summary>Just after a flow collection's closing bracket (YamlDotNet's end events are empty marks at it).</summary>
        private int FlowEnd(ParsingEvent end, char bracket)
        {
            var at = (int)end.Start.Index;
            return at < text.Length && text[at] == bracket ? at + 1 : at;
        }
    }

    private static YScalar ToScalar(Scalar scalar, PolicyDiagnostics diagnostics) =>
        new(At(scalar.Start), scalar.Value, KindOf(scalar, diagnostics)) { Start = (int)scalar.Start.Index, End = (int)scalar.End.Index };

    private static YScalarKind KindOf(Scalar scalar, PolicyDiagnostics diagnostics)
    {
        if (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific)
        {
            var tag = scalar.Tag.Value;
            var kind = tag.StartsWith(CoreTagPrefix, StringComparison.Ordinal) ? tag[CoreTagPrefix.Length..] : null;
            switch (kind)
            {
                case "str":
                    return YScalarKind.String;
                case "int" or "float" or "bool" or "null":
                    return Resolve(scalar.Value);
                default:
                    diagnostics.Add(At(scalar.Start), $"unsupported tag '{tag}'", "remove the tag");
                    return YScalarKind.String;
            }
        }

        // Only plain scalars are typed; anything quoted or block-styled is text, as in every YAML 1.2 reader.
        return scalar.Style == ScalarStyle.Plain ? Resolve(scalar.Value) : YScalarKind.String;
    }

    /// <summary>YAML 1.2 core schema resolution of a plain scalar (no YAML 1.1 <c>yes</c>/<c>on</c> booleans).</summary>
    internal static YScalarKind Resolve(string text) => text switch
    {
        "" or "~" or "null" or "Null" or "NULL" => YScalarKind.Null,
        "true" or "True" or "TRUE" or "false" or "False" or "FALSE" => YScalarKind.Boolean,
        _ when IntegerPattern().IsMatch(text) => YScalarKind.Integer,
        _ when FloatPattern().IsMatch(text) => YScalarKind.Float,
        _ => YScalarKind.String,
    };

    private static SourceLocation At(Mark mark) => new((int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column));

    private static string StripMarkPrefix(string message)
    {
        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 40) - (Line: …): " — the location is printed already.
        var index = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line:", StringComparison.Ordinal) && index >= 0 ? message[(index + 3)..] : message;
    }

    [GeneratedRegex(@"^([-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$", RegexOptions.CultureInvariant)]
    private static partial Regex FloatPattern();
}
