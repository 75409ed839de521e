using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using NeuralSec.Detectors.Catalog;
using NeuralSec.Policy.Descriptors;

namespace NeuralSec.Policy.Schema;

/// <summary>
/// Prints the descriptor tree and the defense catalog as a JSON Schema (draft-07: the dialect the VS Code YAML
/// extension supports best), so editors flag what the validator would refuse. The committed
/// <c>policies/schema/firewallpolicy.schema.json</c> is this output; a test keeps the two equal.
/// </summary>
public static class PolicySchemaGenerator
{
    public const string SchemaId = "https://neuralsec.io/schemas/firewallpolicy.schema.json";

    private static readonly JsonSerializerOptions Format = new()
    {
        WriteIndented = true,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The schema text, newline-terminated, byte-for-byte stable for the same catalog.</summary>
    public static string Generate(IReadOnlyCollection<DefenseDefinition>? defenses = null)
    {
        var catalog = (defenses ?? DefenseCatalog.All).OrderBy(d => d.Type, StringComparer.Ordinal).ToArray();
        var root = new JsonObject
        {
            ["$schema"] = "http://json-schema.org/draft-07/schema#",
            ["$id"] = SchemaId,
            ["title"] = "NeuralSec FirewallPolicy",
        };
        foreach (var (key, value) in Describe(PolicyDescriptors.Root, catalog))
        {
            root[key] = value?.DeepClone();
        }

        return root.ToJsonString(Format) + "\n";
    }

    private static JsonObject Describe(ValueDescriptor descriptor, IReadOnlyList<DefenseDefinition> catalog)
    {
        var schema = descriptor switch
        {
            ObjectDescriptor obj => Object(obj, catalog),
            MapDescriptor map => new JsonObject { ["type"] = "object", ["additionalProperties"] = Describe(map.Values, catalog) },
            ArrayDescriptor array => Array(array, catalog),
            ScalarDescriptor scalar => Scalar(scalar),
            DefenseListDescriptor list => DefenseList(list, catalog),
            _ => throw new ArgumentOutOfRangeException(nameof(descriptor), descriptor.GetType().Name, "unknown descriptor"),
        };
        if (descriptor.Description.Length > 0)
        {
            // Description first reads better in the file; JsonObject keeps insertion order.
            var described = new JsonObject { ["description"] = descriptor.Description };
            foreach (var (key, value) in schema)
            {
                described[key] = value?.DeepClone();
            }

            return described;
        }

        return schema;
    }

    private static JsonObject Object(ObjectDescriptor descriptor, IReadOnlyList<DefenseDefinition> catalog)
    {
        var properties = new JsonObject();
        foreach (var property in descriptor.Properties)
        {
            properties[property.Name] = Describe(property.Value, catalog);
        }

        var schema = new JsonObject { ["type"] = "object", ["properties"] = properties };
        var required = descriptor.Properties.Where(p => p.Required).Select(p => p.Name).ToArray();
        if (required.Length > 0)
        {
            schema["required"] = Strings(required);
        }

        schema["additionalProperties"] = false;
        return schema;
    }

    private static JsonObject Array(ArrayDescriptor descriptor, IReadOnlyList<DefenseDefinition> catalog)
    {
        var schema = new JsonObject { ["type"] = "array", ["items"] = Describe(descriptor.Items, catalog) };
        if (descriptor.MinItems > 0)
        {
            schema["minItems"] = descriptor.MinItems;
        }

        if (descriptor.MaxItems is { } max)
        {
            schema["maxItems"] = max;
        }

        if (descriptor.UniqueItems)
        {
            schema["uniqueItems"] = true;
        }

        return schema;
    }

    private static JsonObject Scalar(ScalarDescriptor descriptor)
    {
        var type = descriptor.Type switch
        {
            ScalarType.String => "string",
            ScalarType.Integer => "integer",
            ScalarType.Number => "number",
            _ => "boolean",
        };
        var schema = new JsonObject { ["type"] = descriptor.Nullable ? Strings([type, "null"]) : type };
        if (descriptor.AllowedValues.Count > 0)
        {
            schema["enum"] = Strings(descriptor.AllowedValues);
        }

        if (descriptor.Pattern is { } pattern)
        {
            schema["pattern"] = pattern;
        }

        if (descriptor.Minimum is { } min)
        {
            schema["minimum"] = min;
        }

        if (descriptor.ExclusiveMinimum is { } exclusive)
        {
            schema["exclusiveMinimum"] = exclusive;
        }

        if (descriptor.Maximum is { } max)
        {
            schema["maximum"] = max;
        }

        if (descriptor.Default is { } value)
        {
            schema["default"] = Value(value);
        }

        return schema;
    }

    private static JsonObject DefenseList(DefenseListDescriptor descriptor, IReadOnlyList<DefenseDefinition> catalog)
    {
        var types = catalog.Where(d => d.Stage == descriptor.Stage).ToArray();
        if (types.Length == 0)
        {
            // No type of this stage exists in this build, so the only valid list is an empty one.
            return new JsonObject { ["type"] = "array", ["maxItems"] = 0 };
        }

        var branches = new JsonArray();
        foreach (var definition in types)
        {
            branches.Add(new JsonObject
            {
                ["if"] = new JsonObject
                {
                    ["properties"] = new JsonObject { [PolicyDescriptors.TypeKey] = new JsonObject { ["const"] = definition.Type } },
                    ["required"] = Strings([PolicyDescriptors.TypeKey]),
                },
                ["then"] = Entry(definition, catalog),
            });
        }

        return new JsonObject
        {
            ["type"] = "array",
            ["items"] = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    [PolicyDescriptors.TypeKey] = new JsonObject { ["type"] = "string", ["enum"] = Strings(types.Select(t => t.Type).ToArray()) },
                },
                ["required"] = Strings([PolicyDescriptors.TypeKey]),
                ["allOf"] = branches,
            },
        };
    }

    /// <summary>The full key set of one defense entry; <c>additionalProperties: false</c> only sees the keys
    /// listed beside it, so <c>type</c>, <c>threshold</c> and <c>action</c> are repeated here.</summary>
    private static JsonObject Entry(DefenseDefinition definition, IReadOnlyList<DefenseDefinition> catalog)
    {
        var properties = new JsonObject
        {
            [PolicyDescriptors.TypeKey] = new JsonObject { ["description"] = definition.Description, ["const"] = definition.Type },
        };
        var required = new List<string> { PolicyDescriptors.TypeKey };
        if (definition.Stage.Decides())
        {
            properties[PolicyDescriptors.ThresholdKey] = Describe(PolicyDescriptors.Threshold, catalog);
            properties[PolicyDescriptors.ActionKey] = Describe(PolicyDescriptors.Action, catalog);
            required.Add(PolicyDescriptors.ThresholdKey);
        }

        foreach (var option in definition.Options)
        {
            properties[option.Name] = Describe(PolicyDescriptors.ForOption(option), catalog);
            if (option.Required)
            {
                required.Add(option.Name);
            }
        }

        return new JsonObject
        {
            ["properties"] = properties,
            ["required"] = Strings(required),
            ["additionalProperties"] = false,
        };
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());

    private static JsonNode? Value(object value) => value switch
    {
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        IEnumerable<string> list => Strings(list),
        IEnumerable<double> numbers => new JsonArray(numbers.Select(n => (JsonNode)JsonValue.Create(n)).ToArray()),
        _ => JsonValue.Create(value.ToString()),
    };
}
