using System.Text.RegularExpressions;
using NeuralSec.Gateway.Policy.Validation;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace NeuralSec.Gateway.Policy.Yaml;

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
        var parser = new Parser(new StringReader(text));
        try
        {
            parser.Consume<StreamStart>();
            if (!parser.TryConsume<DocumentStart>(out _))
            {
                diagnostics.Add(SourceLocation.Start, "the file holds no policy document");
                return null;
            }

            var root = ReadNode(parser, diagnostics);
            parser.Consume<DocumentEnd>();
            if (parser.Accept<DocumentStart>(out var next))
            {
                diagnostics.Add(At(next.Start), "a policy file holds exactly one document", "put each policy in its own file");
            }

            return root;
        }
        catch (YamlException ex)
        {
            var message = ex.InnerException is YamlException inner ? inner.Message : ex.Message;
            diagnostics.Add(At(ex.Start), "invalid YAML: " + StripMarkPrefix(message));
            return null;
        }
    }

    private static YNode ReadNode(IParser parser, PolicyDiagnostics diagnostics)
    {
        var current = parser.Current ?? throw new YamlException("unexpected end of the document");
        if (current is NodeEvent { Anchor.IsEmpty: false } anchored)
        {
            // Aliases would let a small file expand into a huge tree; a policy has no need for them.
            diagnostics.Add(At(anchored.Start), "anchors (&) and aliases (*) are not supported in policy files", "write the value out");
        }

        switch (current)
        {
            case Scalar scalar:
                parser.MoveNext();
                return ToScalar(scalar, diagnostics);
            case SequenceStart start:
            {
                parser.MoveNext();
                var items = new List<YNode>();
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    items.Add(ReadNode(parser, diagnostics));
                }

                return new YSequence(At(start.Start), items);
            }

            case MappingStart start:
            {
                parser.MoveNext();
                var entries = new List<YEntry>();
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var key = ReadNode(parser, diagnostics);
                    var value = ReadNode(parser, diagnostics);
                    if (key is YScalar scalarKey)
                    {
                        entries.Add(new YEntry(scalarKey, value));
                    }
                    else
                    {
                        diagnostics.Add(key.Location, "mapping keys must be plain names, not " + key.Describe());
                    }
                }

                return new YMapping(At(start.Start), entries);
            }

            case AnchorAlias alias:
                parser.MoveNext();
                diagnostics.Add(At(alias.Start), "anchors (&) and aliases (*) are not supported in policy files", "write the value out");
                return new YReported(At(alias.Start));
            default:
                throw new YamlException(current.Start, current.End, $"unexpected {current.GetType().Name}");
        }
    }

    private static YScalar ToScalar(Scalar scalar, PolicyDiagnostics diagnostics)
    {
        var location = At(scalar.Start);
        if (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific)
        {
            var tag = scalar.Tag.Value;
            var kind = tag.StartsWith(CoreTagPrefix, StringComparison.Ordinal) ? tag[CoreTagPrefix.Length..] : null;
            switch (kind)
            {
                case "str":
                    return new YScalar(location, scalar.Value, YScalarKind.String);
                case "int" or "float" or "bool" or "null":
                    var resolved = Resolve(scalar.Value);
                    return new YScalar(location, scalar.Value, resolved);
                default:
                    diagnostics.Add(location, $"unsupported tag '{tag}'", "remove the tag");
                    return new YScalar(location, scalar.Value, YScalarKind.String);
            }
        }

        // Only plain scalars are typed; anything quoted or block-styled is text, as in every YAML 1.2 reader.
        return new YScalar(location, scalar.Value, scalar.Style == ScalarStyle.Plain ? Resolve(scalar.Value) : YScalarKind.String);
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
