using System.Collections;
using System.Globalization;
using System.Reflection;
using NeuralSec.Gateway.Alerts;
using NeuralSec.Gateway.Policy.Runtime;
using NeuralSec.Text;

namespace NeuralSec.Gateway.Options;

/// <summary>
/// Checks every key under <c>NeuralSec:</c> against the options classes before anything binds them. The .NET binder
/// ignores keys it does not know, so a typo (<c>GrpcPrt</c>) silently leaves a setting at its default; and it fails on
/// the first value it cannot convert with a .NET type name and no valid values. Here every unknown key and every
/// unconvertible value is one error, with its full path, the valid values and a "did you mean".
/// </summary>
internal static class ConfigurationCheck
{
    private static readonly Dictionary<string, Type> Sections = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Alerts"] = typeof(AlertOptions),
        ["Policies"] = typeof(PolicyOptions),
    };

    public static List<string> Check(IConfiguration configuration)
    {
        var errors = new List<string>();
        var root = configuration.GetSection(GatewayOptions.SectionName);
        var settings = Settings(typeof(GatewayOptions));
        foreach (var child in root.GetChildren())
        {
            if (Sections.TryGetValue(child.Key, out var type))
            {
                CheckValue(child, type, errors);
            }
            else if (settings.TryGetValue(child.Key, out var property))
            {
                CheckValue(child, property.PropertyType, errors);
            }
            else
            {
                Unknown(child, settings.Keys.Concat(Sections.Keys), errors);
            }
        }

        return errors;
    }

    private static void CheckObject(IConfigurationSection section, Type type, List<string> errors)
    {
        if (section.Value is not null && !section.GetChildren().Any())
        {
            errors.Add($"{section.Path}: is a section of settings ({string.Join(", ", Settings(type).Keys)}), not a value");
            return;
        }

        var settings = Settings(type);
        foreach (var child in section.GetChildren())
        {
            if (settings.TryGetValue(child.Key, out var property))
            {
                CheckValue(child, property.PropertyType, errors);
            }
            else
            {
                Unknown(child, settings.Keys, errors);
            }
        }
    }

    private static void CheckValue(IConfigurationSection section, Type declared, List<string> errors)
    {
        var type = Nullable.GetUnderlyingType(declared) ?? declared;
        if (type == typeof(List<AlertSinkOptions>))
        {
            CheckSinks(section, errors);
        }
        else if (Scalar(type))
        {
            CheckScalar(section, type, errors);
        }
        else if (DictionaryValueType(type) is { } valueType)
        {
            foreach (var child in section.GetChildren())
            {
                CheckValue(child, valueType, errors);
            }
        }
        else if (ElementType(type) is { } elementType)
        {
            foreach (var child in section.GetChildren())
            {
                if (!int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    errors.Add($"{child.Path}: '{child.Key}' is not a list index (a list's items are 0, 1, 2, …)");
                    continue;
                }

                CheckValue(child, elementType, errors);
            }
        }
        else
        {
            CheckObject(section, type, errors);
        }
    }

    /// <summary>Each sink is checked as the options class of its own <c>Type</c>; an unknown type is the sink
    /// validator's error, with its valid names.</summary>
    private static void CheckSinks(IConfigurationSection sinks, List<string> errors)
    {
        foreach (var sink in sinks.GetChildren())
        {
            if (AlertSinkTypes.Find(sink[nameof(AlertSinkOptions.Type)] ?? AlertSinkTypes.JsonLines) is { } type)
            {
                CheckObject(sink, type.OptionsType, errors);
            }
        }
    }

    private static void CheckScalar(IConfigurationSection section, Type type, List<string> errors)
    {
        if (section.GetChildren().Any())
        {
            errors.Add($"{section.Path}: is a single value, not a section");
            return;
        }

        if (section.Value is not { } value || value.Length == 0 || type == typeof(string))
        {
            return;
        }

        var problem = type switch
        {
            _ when type.IsEnum => EnumProblem(value, type),
            _ when type == typeof(bool) => bool.TryParse(value, out _) ? null : "is not true or false",
            _ when type == typeof(int) || type == typeof(long) => long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && (type == typeof(long) || number is >= int.MinValue and <= int.MaxValue)
                ? null
                : "is not a whole number",
            _ when type == typeof(double) || type == typeof(float) => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? null : "is not a number (use a '.' for decimals)",
            _ when type == typeof(TimeSpan) => TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out _) ? null : "is not a duration (hh:mm:ss, e.g. 00:00:05 for 5 seconds)",
            _ when type == typeof(Uri) => Uri.TryCreate(value, UriKind.RelativeOrAbsolute, out _) ? null : "is not a URI",
            _ => null,
        };
        if (problem is not null)
        {
            errors.Add($"{section.Path}: '{Shown(value)}' {problem}");
        }
    }

    private static string? EnumProblem(string value, Type type)
    {
        var names = Enum.GetNames(type);
        if (names.Any(name => string.Equals(name, value, StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        var hint = Suggestions.ClosestHint(value, names);
        return $"is not one of {string.Join(", ", names)}{(hint is null ? string.Empty : $"; {hint}")}";
    }

    private static void Unknown(IConfigurationSection section, IEnumerable<string> known, List<string> errors)
    {
        var candidates = known.ToList();
        var hint = Suggestions.ClosestHint(section.Key, candidates);
        errors.Add(hint is null
            ? $"{section.Path}: no such setting (settings here: {string.Join(", ", candidates)})"
            : $"{section.Path}: no such setting; {hint}");
    }

    /// <summary>The keys the binder sets on <paramref name="type"/>: public properties with a public setter, and
    /// get-only ones the binder fills in place (collections and nested options).</summary>
    private static Dictionary<string, PropertyInfo> Settings(Type type)
    {
        var settings = new Dictionary<string, PropertyInfo>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length == 0 && (property.SetMethod?.IsPublic == true || !Scalar(property.PropertyType)))
            {
                settings[property.Name] = property;
            }
        }

        return settings;
    }

    private static bool Scalar(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
            || type == typeof(Uri) || type == typeof(DateTimeOffset) || type == typeof(DateTime);
    }

    private static Type? DictionaryValueType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(Dictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>))
            ? type.GetGenericArguments()[1]
            : null;

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) ? type.GetGenericArguments()[0]
        : null;

    // A caller never writes configuration, but an operator's typo may be a pasted blob: keep the line readable.
    private static string Shown(string value) => value.Length <= 80 ? value : string.Concat(value.AsSpan(0, 77), "...");
}
