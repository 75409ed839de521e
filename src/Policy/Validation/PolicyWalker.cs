using System.Globalization;
using System.Text.RegularExpressions;
using NeuralSec.Detectors.Catalog;
using NeuralSec.Policy.Descriptors;
using NeuralSec.Policy.Yaml;
using NeuralSec.Text;

namespace NeuralSec.Policy.Validation;

/// <summary>
/// Checks a document tree against the descriptor tree and reports every mismatch: unknown and duplicate keys,
/// missing required keys, wrong types, out-of-range numbers, values outside an enum, missing files. It carries on
/// past each error so one run lists them all.
/// </summary>
internal sealed partial class PolicyWalker(
    PolicyDiagnostics diagnostics,
    IReadOnlyDictionary<string, DefenseDefinition> defenses,
    FileReferences files)
{
    public void Walk(YNode node, ValueDescriptor descriptor, string path, SourceLocation? keyLocation = null)
    {
        if (node is YReported)
        {
            return;
        }

        var errorsBefore = diagnostics.Errors.Count;
        switch (descriptor)
        {
            case ObjectDescriptor obj:
                WalkObject(node, obj, path, keyLocation);
                break;
            case MapDescriptor map:
                WalkMap(node, map, path);
                break;
            case ArrayDescriptor array:
                WalkArray(node, array, path);
                break;
            case ScalarDescriptor scalar:
                WalkScalar(node, scalar, path);
                break;
            case DefenseListDescriptor list:
                WalkDefenseList(node, list, path);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(descriptor), descriptor.GetType().Name, "unknown descriptor");
        }

        // Cross-part rules assume the shape is right; on a broken value they would only add noise.
        if (diagnostics.Errors.Count == errorsBefore)
        {
            foreach (var rule in descriptor.Rules)
            {
                rule(node, PolicyPaths.Display(path), diagnostics);
            }
        }
    }

    private void WalkObject(YNode node, ObjectDescriptor descriptor, string path, SourceLocation? keyLocation)
    {
        if (node is not YMapping mapping)
        {
            WrongType(node, path, "a mapping");
            return;
        }

        var names = descriptor.Properties.Select(p => p.Name).ToArray();
        foreach (var entry in UniqueEntries(mapping, path))
        {
            var property = descriptor.Find(entry.Key.Text);
            if (property is null)
            {
                UnknownKey(entry.Key, path, names);
                continue;
            }

            Walk(entry.Value, property.Value, PolicyPaths.Child(path, property.Name), entry.Key.Location);
        }

        foreach (var property in descriptor.Properties.Where(p => p.Required && mapping.Find(p.Name) is null))
        {
            MissingKey(mapping, property.Name, path, keyLocation);
        }
    }

    private void WalkMap(YNode node, MapDescriptor descriptor, string path)
    {
        if (node is not YMapping mapping)
        {
            WrongType(node, path, "a mapping");
            return;
        }

        foreach (var entry in UniqueEntries(mapping, path))
        {
            if (entry.Key.Kind is not YScalarKind.String)
            {
                diagnostics.Add(entry.Key.Location, $"keys of {PolicyPaths.Display(path)} must be strings, not {entry.Key.Describe()}", $"quote it: '{entry.Key.Text}'");
            }

            Walk(entry.Value, descriptor.Values, PolicyPaths.Child(path, entry.Key.Text), entry.Key.Location);
        }
    }

    private void WalkArray(YNode node, ArrayDescriptor descriptor, string path)
    {
        if (node is not YSequence sequence)
        {
            WrongType(node, path, "a list");
            return;
        }

        var display = PolicyPaths.Display(path);
        var count = sequence.Items.Count;
        if (descriptor.MinItems == descriptor.MaxItems && count != descriptor.MinItems)
        {
            diagnostics.Add(sequence.Location, $"{display} must have exactly {Entries(descriptor.MinItems)}, not {count}");
        }
        else if (count < descriptor.MinItems)
        {
            diagnostics.Add(sequence.Location, count == 0 ? $"{display} must not be empty" : $"{display} must have at least {Entries(descriptor.MinItems)}, not {count}");
        }
        else if (count > descriptor.MaxItems)
        {
            diagnostics.Add(sequence.Location, $"{display} must have at most {Entries(descriptor.MaxItems.Value)}, not {count}");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var item = sequence.Items[i];
            Walk(item, descriptor.Items, PolicyPaths.Item(path, i));
            if (descriptor.UniqueItems && item is YScalar scalar && !seen.Add(scalar.Text))
            {
                diagnostics.Add(item.Location, $"'{scalar.Text}' appears more than once in {display}");
            }
        }
    }

    private void WalkScalar(YNode node, ScalarDescriptor descriptor, string path)
    {
        var display = PolicyPaths.Display(path);
        if (node is not YScalar scalar)
        {
            WrongType(node, path, Expected(descriptor));
            return;
        }

        if (scalar.Kind == YScalarKind.Null)
        {
            if (!descriptor.Nullable)
            {
                WrongType(node, path, Expected(descriptor));
            }

            return;
        }

        switch (descriptor.Type)
        {
            case ScalarType.String:
                CheckString(scalar, descriptor, path, display);
                break;
            case ScalarType.Boolean when scalar.Kind != YScalarKind.Boolean:
                WrongType(scalar, path, "a boolean", "use true or false");
                break;
            case ScalarType.Integer when scalar.Kind == YScalarKind.Integer:
                if (!scalar.TryGetInteger(out var integer))
                {
                    diagnostics.Add(scalar.Location, $"{display} is out of range: {scalar.Text}");
                    break;
                }

                CheckBounds(scalar, descriptor, display, integer);
                break;
            case ScalarType.Integer:
                WrongType(scalar, path, "an integer");
                break;
            case ScalarType.Number when scalar.TryGetNumber(out var number):
                if (!double.IsFinite(number))
                {
                    diagnostics.Add(scalar.Location, $"{display} must be a finite number, not {scalar.Text}");
                    break;
                }

                CheckBounds(scalar, descriptor, display, number);
                break;
            case ScalarType.Number:
                WrongType(scalar, path, "a number");
                break;
        }
    }

    private void CheckString(YScalar scalar, ScalarDescriptor descriptor, string path, string display)
    {
        if (scalar.Kind != YScalarKind.String)
        {
            WrongType(scalar, path, Expected(descriptor), $"quote it if you mean the text: '{scalar.Text}'");
            return;
        }

        if (descriptor.AllowedValues.Count > 0 && !descriptor.AllowedValues.Contains(scalar.Text, StringComparer.Ordinal))
        {
            var hint = Suggestions.ClosestHint(scalar.Text, descriptor.AllowedValues)
                ?? $"expected {OneOf(descriptor.AllowedValues)}";
            diagnostics.Add(scalar.Location, $"'{scalar.Text}' is not a valid {display}", hint);
            return;
        }

        if (descriptor.Pattern is { } pattern && !Regex.IsMatch(scalar.Text, pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)))
        {
            diagnostics.Add(scalar.Location, $"'{scalar.Text}' is not a valid {display}", descriptor.PatternHint);
            return;
        }

        if (descriptor.IsFileReference && files.Resolve(scalar.Text) is null)
        {
            diagnostics.Add(scalar.Location, $"file '{scalar.Text}' named by {display} does not exist", $"looked in {string.Join(" and ", files.SearchFolders)}");
        }
    }

    private void CheckBounds(YScalar scalar, ScalarDescriptor descriptor, string display, double value)
    {
        var (min, max, exclusive) = (descriptor.Minimum, descriptor.Maximum, descriptor.ExclusiveMinimum);
        var tooLow = (min is { } lo && value < lo) || (exclusive is { } ex && value <= ex);
        var tooHigh = max is { } hi && value > hi;
        if (!tooLow && !tooHigh)
        {
            return;
        }

        var bound = (min ?? exclusive, max, exclusive) switch
        {
            ({ } l, { } h, null) => $"between {Number(l)} and {Number(h)}",
            ({ } l, { } h, _) => $"greater than {Number(l)} and at most {Number(h)}",
            ({ } l, null, null) => $"at least {Number(l)}",
            ({ } l, null, _) => $"greater than {Number(l)}",
            (null, { } h, _) => $"at most {Number(h)}",
            _ => "in range",
        };
        diagnostics.Add(scalar.Location, $"{display} must be {bound}, not {scalar.Text}");
    }

    /// <summary>The mapping's entries minus repeated keys, each repeat reported (YAML forbids them; silently taking
    /// the last, as many readers do, would hide half of what the operator wrote).</summary>
    private IEnumerable<YEntry> UniqueEntries(YMapping mapping, string path)
    {
        var first = new Dictionary<string, YEntry>(StringComparer.Ordinal);
        foreach (var entry in mapping.Entries)
        {
            if (first.TryGetValue(entry.Key.Text, out var earlier))
            {
                diagnostics.Add(entry.Key.Location, $"duplicate key '{entry.Key.Text}' in {PolicyPaths.Display(path)}", $"first set at line {earlier.Key.Location.Line}");
                continue;
            }

            first.Add(entry.Key.Text, entry);
            yield return entry;
        }
    }

    private void UnknownKey(YScalar key, string path, IReadOnlyCollection<string> allowed) =>
        diagnostics.Add(key.Location, $"unknown key '{key.Text}' in {PolicyPaths.Display(path)}", Suggestions.ClosestHint(key.Text, allowed) ?? $"allowed: {string.Join(", ", allowed)}");

    private void MissingKey(YMapping mapping, string key, string path, SourceLocation? keyLocation) =>
        diagnostics.Add(keyLocation ?? mapping.Location, $"missing required key '{key}' in {PolicyPaths.Display(path)}");

    private void WrongType(YNode node, string path, string expected, string? hint = null) =>
        diagnostics.Add(node.Location, $"{PolicyPaths.Display(path)} must be {expected}, not {node.Describe()}", hint);

    private static string Expected(ScalarDescriptor descriptor) => descriptor.Type switch
    {
        ScalarType.String when descriptor.AllowedValues.Count > 0 => OneOf(descriptor.AllowedValues),
        ScalarType.String => "a string",
        ScalarType.Integer => "an integer",
        ScalarType.Number => "a number",
        _ => "a boolean",
    };

    private static string OneOf(IReadOnlyList<string> values) =>
        values.Count == 1 ? $"'{values[0]}'" : "one of " + string.Join(", ", values.Select(v => $"'{v}'"));

    private static string Entries(int count) => count == 1 ? "1 entry" : $"{count} entries";

    private static string Number(double value) => value.ToString("G", CultureInfo.InvariantCulture);
}
