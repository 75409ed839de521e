using System.Collections;
using System.Globalization;
using NeuralSec.Detectors.Catalog;

namespace NeuralSec.Detectors.Options;

/// <summary>
/// Reads one defense's option values (as the policy parser produces them: double, long, bool, string, or arrays of those) by
/// the names, kinds, bounds and defaults of its <see cref="OptionDefinition"/>s — the single source of truth. Every problem is
/// collected so the operator sees all of them at once; a bad value reads as its default so reading can go on.
/// </summary>
internal sealed class DefenseOptionReader
{
    private readonly DefenseDefinition _definition;
    private readonly IReadOnlyDictionary<string, object> _values;
    private readonly List<string> _errors = [];

    public DefenseOptionReader(DefenseDefinition definition, IReadOnlyDictionary<string, object>? values)
    {
        _definition = definition;
        _values = values ?? new Dictionary<string, object>();
        foreach (var key in _values.Keys.Order(StringComparer.Ordinal))
        {
            if (definition.Options.All(o => o.Name != key))
            {
                var known = definition.Options.Count == 0 ? "it takes no options" : "known options: " + string.Join(", ", definition.Options.Select(o => o.Name));
                _errors.Add($"unknown option '{key}' ({known})");
            }
        }
    }

    public string Type => _definition.Type;

    public IReadOnlyList<string> Errors => _errors;

    /// <summary>Records a rule that spans options (lengths that must agree and the like).</summary>
    public void Error(string message) => _errors.Add(message);

    /// <summary>True when the policy gave the option (rather than its default applying).</summary>
    public bool IsSet(string name) => Option(name) is not null && _values.ContainsKey(name);

    public long Integer(string name)
    {
        var option = Option(name, OptionKind.Integer);
        var raw = Raw(option);
        long fallback = option.Default is null ? (long)(option.Minimum ?? 0) : Convert.ToInt64(option.Default, CultureInfo.InvariantCulture);
        if (raw is null)
        {
            return fallback;
        }

        if (!TryNumber(raw, out var number) || number != Math.Floor(number) || Math.Abs(number) > long.MaxValue / 2)
        {
            Invalid(option, raw, "an integer" + Bounds(option));
            return fallback;
        }

        if (!InBounds(option, number))
        {
            Invalid(option, raw, "an integer" + Bounds(option));
            return fallback;
        }

        return (long)number;
    }

    public double Number(string name)
    {
        var option = Option(name, OptionKind.Number);
        var raw = Raw(option);
        var fallback = option.Default is null ? option.Minimum ?? 0 : Convert.ToDouble(option.Default, CultureInfo.InvariantCulture);
        if (raw is null)
        {
            return fallback;
        }

        if (!TryNumber(raw, out var number) || !double.IsFinite(number) || !InBounds(option, number))
        {
            Invalid(option, raw, "a number" + Bounds(option));
            return fallback;
        }

        return number;
    }

    public bool Boolean(string name)
    {
        var option = Option(name, OptionKind.Boolean);
        var raw = Raw(option);
        var fallback = option.Default is bool b && b;
        if (raw is null)
        {
            return fallback;
        }

        if (raw is not bool value)
        {
            Invalid(option, raw, "true or false");
            return fallback;
        }

        return value;
    }

    /// <summary>A string or enum option; null only when the option is optional, has no default and was left out.</summary>
    public string? String(string name)
    {
        var option = Option(name);
        if (option.Kind is not (OptionKind.String or OptionKind.Enum))
        {
            throw new InvalidOperationException($"{Type}: option '{name}' is {option.Kind}, not a string");
        }

        var raw = Raw(option);
        var fallback = option.Default as string;
        if (raw is null)
        {
            return fallback;
        }

        if (raw is not string text || (option.Kind == OptionKind.String && string.IsNullOrWhiteSpace(text)))
        {
            Invalid(option, raw, "a non-empty string");
            return fallback;
        }

        if (option.Kind == OptionKind.Enum && !option.AllowedValues.Contains(text, StringComparer.Ordinal))
        {
            Invalid(option, raw, "one of " + string.Join(", ", option.AllowedValues));
            return fallback;
        }

        return text;
    }

    public IReadOnlyList<string> StringList(string name)
    {
        var option = Option(name, OptionKind.StringList);
        var raw = Raw(option);
        IReadOnlyList<string> fallback = option.Default is IEnumerable<string> d ? d.ToArray() : [];
        if (raw is null)
        {
            return fallback;
        }

        if (raw is string || raw is not IEnumerable items)
        {
            Invalid(option, raw, "a list of strings");
            return fallback;
        }

        var result = new List<string>();
        foreach (var item in items)
        {
            if (item is not string text || (option.AllowedValues.Count > 0 && !option.AllowedValues.Contains(text, StringComparer.Ordinal)))
            {
                var allowed = option.AllowedValues.Count > 0 ? " from " + string.Join(", ", option.AllowedValues) : string.Empty;
                Invalid(option, raw, "a list of strings" + allowed);
                return fallback;
            }

            result.Add(text);
        }

        return result;
    }

    public IReadOnlyList<double> NumberList(string name)
    {
        var option = Option(name, OptionKind.NumberList);
        var raw = Raw(option);
        IReadOnlyList<double> fallback = option.Default is IEnumerable<double> d ? d.ToArray() : [];
        if (raw is null)
        {
            return fallback;
        }

        if (raw is string || raw is not IEnumerable items)
        {
            Invalid(option, raw, "a list of numbers" + Bounds(option));
            return fallback;
        }

        var result = new List<double>();
        foreach (var item in items)
        {
            if (item is null || !TryNumber(item, out var number) || !double.IsFinite(number) || !InBounds(option, number))
            {
                Invalid(option, raw, "a list of numbers" + Bounds(option));
                return fallback;
            }

            result.Add(number);
        }

        return result;
    }

    /// <summary>Throws one exception naming every problem found so far.</summary>
    public void ThrowIfInvalid()
    {
        if (_errors.Count > 0)
        {
            throw new DefenseConfigurationException(Type, _errors);
        }
    }

    private OptionDefinition Option(string name, OptionKind kind)
    {
        var option = Option(name);
        return option.Kind == kind
            ? option
            : throw new InvalidOperationException($"{Type}: option '{name}' is declared {option.Kind} but read as {kind}");
    }

    // A defense reading an option its definition does not declare is a bug in this library, not a policy error.
    private OptionDefinition Option(string name) =>
        _definition.Options.FirstOrDefault(o => o.Name == name)
        ?? throw new InvalidOperationException($"{Type}: option '{name}' is not in its definition");

    private object? Raw(OptionDefinition option)
    {
        if (_values.TryGetValue(option.Name, out var raw) && raw is not null)
        {
            return raw;
        }

        if (option.Required && option.Default is null)
        {
            _errors.Add($"missing required option '{option.Name}': {option.Description}");
        }

        return null;
    }

    private void Invalid(OptionDefinition option, object raw, string expected) =>
        _errors.Add($"option '{option.Name}' must be {expected}; got {Describe(raw)}");

    private static bool TryNumber(object raw, out double number)
    {
        switch (raw)
        {
            case double d: number = d; return true;
            case float f: number = f; return true;
            case long l: number = l; return true;
            case int i: number = i; return true;
            case short s: number = s; return true;
            case byte b: number = b; return true;
            case decimal m: number = (double)m; return true;
            default: number = double.NaN; return false;
        }
    }

    private static bool InBounds(OptionDefinition option, double value) =>
        (option.Minimum is not { } min || value >= min) && (option.Maximum is not { } max || value <= max);

    private static string Bounds(OptionDefinition option) => (option.Minimum, option.Maximum) switch
    {
        ({ } min, { } max) => FormattableString.Invariant($" in [{min}, {max}]"),
        ({ } min, null) => FormattableString.Invariant($" ≥ {min}"),
        (null, { } max) => FormattableString.Invariant($" ≤ {max}"),
        _ => string.Empty,
    };

    private static string Describe(object raw) => raw switch
    {
        string s => $"\"{s}\"",
        IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(i => i is null ? "null" : Describe(i))) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => raw.ToString() ?? raw.GetType().Name,
    };
}
