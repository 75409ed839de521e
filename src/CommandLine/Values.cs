using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Runtime.CompilerServices;
using NeuralSec.Text;

namespace NeuralSec.CommandLine;

/// <summary>
/// Options whose values are checked while parsing, so that a bad value is a usage error (exit 2) with the option's
/// name and the value in one line — not "cannot parse 'abc' as System.Int32".
/// </summary>
public static class Values
{
    private static readonly ConditionalWeakTable<Argument, Argument> PassThrough = [];

    /// <summary>An integer option in [<paramref name="min"/>, <paramref name="max"/>], shown with its default in help.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Values.Integer, Values.Number, Values.Choice: the kind of value an option takes.")]
    public static Option<int> Integer(string name, string description, int defaultValue, int min, int max) => new(name)
    {
        Description = description,
        HelpName = "N",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => ParseInteger(result, name, min, max) ?? default,
    };

    /// <summary>An integer option in [<paramref name="min"/>, <paramref name="max"/>] whose default the command works out (null when not given).</summary>
    public static Option<int?> OptionalInteger(string name, string description, int min, int max) => new(name)
    {
        Description = description,
        HelpName = "N",
        CustomParser = result => ParseInteger(result, name, min, max),
    };

    /// <summary>A number option; <paramref name="expected"/> completes "NAME must be …" when <paramref name="accept"/> refuses a value.</summary>
    public static Option<double> Number(string name, string description, double defaultValue, Func<double, bool> accept, string expected) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => ParseNumber(result, name, accept, expected) ?? default,
    };

    /// <summary>A number option whose default the command works out (null when not given).</summary>
    public static Option<double?> OptionalNumber(string name, string description, Func<double, bool> accept, string expected) => new(name)
    {
        Description = description,
        CustomParser = result => ParseNumber(result, name, accept, expected),
    };

    /// <summary>An option that takes one of <paramref name="values"/>; they complete in the shell and a near miss gets a suggestion.</summary>
    public static Option<string> Choice(string name, string description, string? defaultValue, params string[] values)
    {
        var option = new Option<string>(name)
        {
            Description = description,
            HelpName = string.Join('|', values),
            CustomParser = result => ParseChoice(result, name, values),
        };
        if (defaultValue is not null)
        {
            option.DefaultValueFactory = _ => defaultValue;
        }

        option.CompletionSources.Add(values);
        return option;
    }

    /// <summary>
    /// Lets <paramref name="argument"/> take words that start with <c>-</c>. Everywhere else such a word is an option,
    /// and an unknown one is a usage error with a suggestion (a path that starts with <c>-</c> is written <c>./-x</c>).
    /// </summary>
    public static Argument<T> PassingOptionsThrough<T>(this Argument<T> argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        PassThrough.AddOrUpdate(argument, argument);
        return argument;
    }

    internal static bool PassesOptionsThrough(Argument argument) => PassThrough.TryGetValue(argument, out _);

    /// <summary>
    /// The value of <paramref name="option"/> (its default when not given) for a command validator checking a rule
    /// between options; false when the value itself is bad, an error its parser has reported already.
    /// </summary>
    public static bool TryGetValue<T>(this CommandResult result, Option<T> option, out T? value)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(option);
        try
        {
            value = result.GetValue(option);
            return true;
        }
        catch (InvalidOperationException)
        {
            // GetValue throws for a value that did not convert.
            value = default;
            return false;
        }
    }

    /// <summary>The integers of a list option's text — <c>none</c> for an empty list, else values in
    /// [<paramref name="min"/>, <paramref name="max"/>] separated by commas (<paramref name="distinct"/>: no value twice)
    /// — or null when the text is not such a list; the option's parser words the error.</summary>
    public static int[]? IntegerList(string text, int min, int max, bool distinct = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text == "none")
        {
            return [];
        }

        var values = new List<int>();
        foreach (var part in text.Split(','))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max || (distinct && values.Contains(value)))
            {
                return null;
            }

            values.Add(value);
        }

        return [.. values];
    }

    /// <summary>"a or b" / "one of a, b, c".</summary>
    public static string Alternatives(IReadOnlyList<string> values) => values.Count == 2
        ? $"{values[0]} or {values[1]}"
        : $"one of {string.Join(", ", values)}";

    private static int? ParseInteger(ArgumentResult result, string name, int min, int max)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        var range = (min, max) switch
        {
            (int.MinValue, int.MaxValue) => "an integer",
            (_, int.MaxValue) => $"an integer >= {min}",
            (int.MinValue, _) => $"an integer <= {max}",
            _ => $"an integer in [{min}, {max}]",
        };
        result.AddError($"{name} must be {range}, got '{text}'");
        return null;
    }

    private static double? ParseNumber(ArgumentResult result, string name, Func<double, bool> accept, string expected)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && accept(value))
        {
            return value;
        }

        result.AddError($"{name} must be {expected}, got '{text}'");
        return null;
    }

    private static string? ParseChoice(ArgumentResult result, string name, string[] values)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
        if (values.Contains(text, StringComparer.Ordinal))
        {
            return text;
        }

        result.AddError($"{name} is {Alternatives(values)}, not '{text}'{Suggestions.Hint(text, values)}");
        return null;
    }
}
