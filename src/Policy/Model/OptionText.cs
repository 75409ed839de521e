using System.Collections;
using System.Globalization;

namespace NeuralSec.Policy.Model;

/// <summary>
/// A defense's options as one line of text, sorted by name and culture-invariant: for <c>policy explain</c>, and for
/// comparing two policies' defenses option by option.
/// </summary>
public static class OptionText
{
    /// <summary><c>name=value, …</c> in ordinal name order; empty for no options.</summary>
    public static string Describe(IReadOnlyDictionary<string, object> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.Join(", ", options.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}={Value(o.Value)}"));
    }

    /// <summary>One option value (<see cref="DefenseSpec.Options"/>: a number, a flag, a string or a list of those);
    /// numbers round-trip.</summary>
    public static string Value(object value) => value switch
    {
        string text => text,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable list => "[" + string.Join(", ", list.Cast<object>().Select(Value)) + "]",
        _ => value.ToString() ?? string.Empty,
    };
}
