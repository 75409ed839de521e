using System.Collections;
using System.Globalization;
using NeuralSec.Detectors.Catalog;
using NeuralSec.Policy.Descriptors;
using NeuralSec.Policy.Validation;
using NeuralSec.Policy.Yaml;

namespace NeuralSec.Policy.Editing;

/// <summary>
/// Writes calibrated values into the text of a policy file as small in-place edits: an existing value is replaced
/// where it stands, a missing key is added right after the entry's <c>type</c> (inside <c>{ … }</c> for a flow
/// mapping, on its own line at the keys' indentation for a block mapping). Every other character — comments, key
/// order, quoting, line endings — stays as the operator wrote it, so the change reviews as a one-line diff.
/// </summary>
public static class PolicyRewriter
{
    public const string StatisticsType = "statistics";
    public const string BenignMeanKey = "benignMean";
    public const string BenignStdKey = "benignStd";

    /// <summary>The text with every update applied.</summary>
    /// <exception cref="PolicyEditException">The text has no such detect entries (it changed since it was validated).</exception>
    public static string Apply(string text, IReadOnlyList<DetectorUpdate> updates) => Rewrite(text, updates, overwrite: true);

    /// <summary>
    /// The text with placeholders for what calibration writes and the file may not have yet (a missing
    /// <c>threshold</c>; <c>statistics</c>' <c>benignMean</c>/<c>benignStd</c>), so a policy written before its first
    /// calibration can be loaded to be calibrated. Null when the text is not a policy with a detect list.
    /// </summary>
    public static string? FillMissing(string text)
    {
        if (DetectList(text, out _) is not { } detect)
        {
            return null;
        }

        var updates = new List<DetectorUpdate>();
        for (var i = 0; i < detect.Items.Count; i++)
        {
            var entry = detect.Items[i];
            if (entry is not YMapping mapping)
            {
                continue;
            }

            var update = new DetectorUpdate(i, 0);
            if (mapping.Find(PolicyDescriptors.TypeKey)?.Value is YScalar { Text: StatisticsType })
            {
                // One value per feature, or the statistics detector's own length check would be the error reported.
                var count = mapping.Find("features")?.Value is YSequence features ? features.Items.Count : DefaultFeatureCount();
                update = update with { BenignMean = new double[count], BenignStd = Enumerable.Repeat(1.0, count).ToArray() };
            }

            updates.Add(update);
        }

        return Rewrite(text, updates, overwrite: false);
    }

    /// <summary>A number as YAML that reads back to the same double (shortest round-trip form).</summary>
    public static string Number(double value) =>
        double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : throw new PolicyEditException($"cannot write the non-finite value {value} into a policy");

    private static string List(IEnumerable<double> values) => "[" + string.Join(", ", values.Select(Number)) + "]";

    private static string Rewrite(string text, IReadOnlyList<DetectorUpdate> updates, bool overwrite)
    {
        var detect = DetectList(text, out var syntaxError)
            ?? throw new PolicyEditException(syntaxError is null ? "the policy has no spec.detect list" : $"the policy text cannot be edited: {syntaxError}");

        var newline = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var edits = new List<TextEdit>();
        foreach (var update in updates)
        {
            if (update.Index >= detect.Items.Count || detect.Items[update.Index] is not YMapping entry)
            {
                throw new PolicyEditException($"spec.detect[{update.Index}] is not a mapping in the policy text");
            }

            var values = new List<(string Key, string Value)> { (PolicyDescriptors.ThresholdKey, Number(update.Threshold)) };
            if (update.BenignMean is { } mean)
            {
                values.Add((BenignMeanKey, List(mean)));
            }

            if (update.BenignStd is { } std)
            {
                values.Add((BenignStdKey, List(std)));
            }

            var missing = new List<(string Key, string Value)>();
            foreach (var (key, value) in values)
            {
                var existing = entry.Find(key);
                if (existing is null)
                {
                    missing.Add((key, value));
                }
                else if (overwrite)
                {
                    edits.Add(Replace(existing.Key, existing.Value, value));
                }
            }

            if (missing.Count > 0)
            {
                edits.Add(Insert(text, entry, missing, newline));
            }

            foreach (var (grade, threshold) in update.GradeThresholds)
            {
                if (entry.Find(PolicyDescriptors.GradesKey)?.Value is not YSequence grades || grade >= grades.Items.Count
                    || grades.Items[grade] is not YMapping gradeEntry || gradeEntry.Find(PolicyDescriptors.ThresholdKey) is not { } existing)
                {
                    throw new PolicyEditException($"spec.detect[{update.Index}].grades[{grade}] has no threshold in the policy text");
                }

                if (overwrite)
                {
                    edits.Add(Replace(existing.Key, existing.Value, Number(threshold)));
                }
            }
        }

        return TextEdit.Apply(text, edits);
    }

    /// <summary>The <c>spec.detect</c> list, or null (with the YAML syntax error, when that is why).</summary>
    private static YSequence? DetectList(string text, out string? syntaxError)
    {
        var diagnostics = new PolicyDiagnostics("policy");
        var root = YamlTreeReader.Read(text, diagnostics);
        syntaxError = root is null && diagnostics.HasErrors ? diagnostics.Errors[0].ToString() : null;
        return root is YMapping { } mapping && mapping.Find("spec")?.Value is YMapping spec && spec.Find("detect")?.Value is YSequence detect ? detect : null;
    }

    private static TextEdit Replace(YNode key, YNode value, string replacement) =>
        value is not YScalar && value is not YSequence { IsFlow: true } && value is not YMapping { IsFlow: true }
            // A block list (`benignMean:` then `- 0.1` lines) may sit at the key's own indentation, where a flow
            // list on the next line would not parse: the flow list goes on the key's line instead.
            ? new TextEdit(key.End, value.End, ": " + replacement)
            : new TextEdit(value.Start, value.End, replacement);

    private static TextEdit Insert(string text, YMapping entry, IReadOnlyList<(string Key, string Value)> keys, string newline)
    {
        var (anchorKey, anchorValue) = entry.Find(PolicyDescriptors.TypeKey) ?? entry.Entries[0];
        if (entry.IsFlow)
        {
            return new TextEdit(anchorValue.End, anchorValue.End, string.Concat(keys.Select(k => $", {k.Key}: {k.Value}")));
        }

        // At the end of the type's line, so a comment after `type: x` stays on that line.
        var lineEnd = text.IndexOf('\n', anchorValue.End);
        var at = lineEnd < 0 ? text.Length : lineEnd > 0 && text[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
        var indent = new string(' ', anchorKey.Indent);
        return new TextEdit(at, at, string.Concat(keys.Select(k => $"{newline}{indent}{k.Key}: {k.Value}")));
    }

    private static int DefaultFeatureCount() =>
        DefenseCatalog.Find(StatisticsType)?.Options.FirstOrDefault(o => o.Name == "features")?.Default is ICollection defaults ? defaults.Count : 1;
}
