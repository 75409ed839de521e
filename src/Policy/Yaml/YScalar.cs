using System.Globalization;

namespace NeuralSec.Policy.Yaml;

/// <summary>A scalar with its text and the type the YAML 1.2 core schema gives it (quoted text is always a string).</summary>
internal sealed class YScalar(SourceLocation location, string text, YScalarKind kind) : YNode(location)
{
    public string Text { get; } = text;

    public YScalarKind Kind { get; } = kind;

    public override string Describe() => Kind switch
    {
        YScalarKind.Null => "null",
        YScalarKind.Boolean => $"the boolean {Text}",
        YScalarKind.Integer => $"the integer {Text}",
        YScalarKind.Float => $"the number {Text}",
        _ => $"the string '{Text}'",
    };

    /// <summary>The value of an <see cref="YScalarKind.Integer"/> scalar; false when it does not fit 64 bits.</summary>
    public bool TryGetInteger(out long value)
    {
        value = 0;
        if (Kind != YScalarKind.Integer)
        {
            return false;
        }

        var text = Text.StartsWith('+') ? Text[1..] : Text;
        if (text.StartsWith("0x", StringComparison.Ordinal))
        {
            return long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        }

        if (text.StartsWith("0o", StringComparison.Ordinal))
        {
            try
            {
                value = Convert.ToInt64(text[2..], 8);
                return true;
            }
            catch (OverflowException)
            {
                return false;
            }
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>The value of an integer or float scalar (<c>.inf</c> and <c>.nan</c> included).</summary>
    public bool TryGetNumber(out double value)
    {
        value = 0;
        if (Kind == YScalarKind.Integer)
        {
            if (TryGetInteger(out var integer))
            {
                value = integer;
                return true;
            }

            return double.TryParse(Text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }

        if (Kind != YScalarKind.Float)
        {
            return false;
        }

        var text = Text.TrimStart('+');
        switch (text.ToLowerInvariant())
        {
            case ".inf":
                value = double.PositiveInfinity;
                return true;
            case "-.inf":
                value = double.NegativeInfinity;
                return true;
            case ".nan":
                value = double.NaN;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }
}
