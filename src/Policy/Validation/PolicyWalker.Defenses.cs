using NeuralSec.Detectors.Catalog;
using NeuralSec.Policy.Descriptors;
using NeuralSec.Policy.Yaml;
using NeuralSec.Text;

namespace NeuralSec.Policy.Validation;

/// <summary>The defense lists: each entry's keys depend on its <c>type</c>, looked up in the defense catalog.</summary>
internal sealed partial class PolicyWalker
{
    private void WalkDefenseList(YNode node, DefenseListDescriptor descriptor, string path)
    {
        if (node is not YSequence sequence)
        {
            WrongType(node, path, "a list");
            return;
        }

        for (var i = 0; i < sequence.Items.Count; i++)
        {
            WalkDefense(sequence.Items[i], descriptor.Stage, PolicyPaths.Item(path, i));
        }
    }

    private void WalkDefense(YNode node, DefenseStage stage, string path)
    {
        var display = PolicyPaths.Display(path);
        if (node is not YMapping mapping)
        {
            WrongType(node, path, "a mapping with a 'type'");
            return;
        }

        var entries = UniqueEntries(mapping, path).ToArray();
        var typeEntry = entries.FirstOrDefault(e => e.Key.Text == PolicyDescriptors.TypeKey);
        var definition = typeEntry is null ? null : FindDefinition(typeEntry.Value, stage, path);
        if (typeEntry is null)
        {
            diagnostics.Add(mapping.Location, $"missing required key '{PolicyDescriptors.TypeKey}' in {display}", TypeList(stage));
        }

        if (definition is null)
        {
            // Without a known type its options cannot be judged; reporting each as unknown would bury the real error.
            return;
        }

        var keys = new List<string> { PolicyDescriptors.TypeKey };
        keys.AddRange(definition.Options.Select(o => o.Name));
        if (stage.Decides())
        {
            keys.AddRange([PolicyDescriptors.ThresholdKey, PolicyDescriptors.ActionKey]);
        }

        if (stage == DefenseStage.Detect)
        {
            keys.Add(PolicyDescriptors.GradesKey);
        }

        foreach (var entry in entries.Where(e => e != typeEntry))
        {
            var key = entry.Key.Text;
            var childPath = PolicyPaths.Child(path, key);
            if (stage.Decides() && key == PolicyDescriptors.ThresholdKey)
            {
                Walk(entry.Value, PolicyDescriptors.Threshold, childPath, entry.Key.Location);
            }
            else if (stage.Decides() && key == PolicyDescriptors.ActionKey)
            {
                Walk(entry.Value, stage == DefenseStage.Detect ? PolicyDescriptors.DetectAction : PolicyDescriptors.Action, childPath, entry.Key.Location);
            }
            else if (stage == DefenseStage.Detect && key == PolicyDescriptors.GradesKey)
            {
                Walk(entry.Value, PolicyDescriptors.Grades, childPath, entry.Key.Location);
                CheckGradeOrder(mapping, definition, childPath);
            }
            else if (definition.Options.FirstOrDefault(o => o.Name == key) is { } option)
            {
                Walk(entry.Value, PolicyDescriptors.ForOption(option), childPath, entry.Key.Location);
            }
            else if (stage == DefenseStage.Preprocess && key is PolicyDescriptors.ThresholdKey or PolicyDescriptors.ActionKey)
            {
                diagnostics.Add(entry.Key.Location, $"'{key}' is not allowed in {display}", "preprocessing transforms the input and decides nothing; thresholds and actions belong to detect entries");
            }
            else
            {
                UnknownKey(entry.Key, path, keys);
            }
        }

        foreach (var option in definition.Options.Where(o => o.Required && mapping.Find(o.Name) is null))
        {
            diagnostics.Add(mapping.Location, $"missing required option '{option.Name}' in {display}", $"{definition.Type}: {option.Description}");
        }

        if (stage.Decides() && mapping.Find(PolicyDescriptors.ThresholdKey) is null)
        {
            diagnostics.Add(mapping.Location, $"missing required key '{PolicyDescriptors.ThresholdKey}' in {display}", "every detector needs one; calibration sets it from a target false-positive rate");
        }
    }

    /// <summary>Grades must climb: each threshold further beyond the previous one (the entry's own threshold first),
    /// each action more severe. Otherwise a grade could never apply, or a stronger score would get a gentler answer.</summary>
    private void CheckGradeOrder(YMapping entry, DefenseDefinition definition, string path)
    {
        if (entry.Find(PolicyDescriptors.GradesKey)?.Value is not YSequence grades)
        {
            return;
        }

        var previousThreshold = entry.Find(PolicyDescriptors.ThresholdKey)?.Value is YScalar t && t.TryGetNumber(out var n) ? n : (double?)null;
        var previousAction = entry.Find(PolicyDescriptors.ActionKey)?.Value is YScalar a ? a.Text : "block";
        var beyond = definition.FlagsBelowThreshold ? "below" : "above";
        for (var i = 0; i < grades.Items.Count; i++)
        {
            if (grades.Items[i] is not YMapping grade)
            {
                continue;
            }

            var gradePath = PolicyPaths.Display(PolicyPaths.Item(path, i));
            if (grade.Find(PolicyDescriptors.ThresholdKey)?.Value is YScalar ts && ts.TryGetNumber(out var threshold))
            {
                if (previousThreshold is { } before && (definition.FlagsBelowThreshold ? threshold >= before : threshold <= before))
                {
                    diagnostics.Add(ts.Location, $"{gradePath} threshold {ts.Text} is not {beyond} the previous threshold ({Number(before)})", $"{definition.Type} flags scores {beyond} its threshold: each grade starts further {beyond}");
                }

                previousThreshold = threshold;
            }

            if (grade.Find(PolicyDescriptors.ActionKey)?.Value is YScalar action && PolicyDescriptors.DetectActions.Contains(action.Text))
            {
                if (Severity(action.Text) <= Severity(previousAction))
                {
                    diagnostics.Add(action.Location, $"{gradePath} action '{action.Text}' is not more severe than the previous grade's '{previousAction}'", "order: alert < repair < degrade < throttle < block");
                }

                previousAction = action.Text;
            }
        }

        static int Severity(string action) => action switch
        {
            "alert" => 0,
            "repair" => 1,
            "degrade" => 2,
            "throttle" => 3,
            _ => 4,
        };
    }

    private DefenseDefinition? FindDefinition(YNode typeNode, DefenseStage stage, string path)
    {
        var typePath = PolicyPaths.Child(path, PolicyDescriptors.TypeKey);
        if (typeNode is not YScalar { Kind: YScalarKind.String } type)
        {
            WrongType(typeNode, typePath, "a defense type name");
            return null;
        }

        if (defenses.TryGetValue(type.Text, out var definition))
        {
            if (definition.Stage == stage)
            {
                return definition;
            }

            diagnostics.Add(type.Location, $"'{type.Text}' is a {definition.Stage.Noun()} and cannot be used in {PolicyPaths.Display(path)}", $"move it to {definition.Stage.PolicyList()}");
            return null;
        }

        var candidates = defenses.Values.Where(d => d.Stage == stage).Select(d => d.Type).ToArray();
        diagnostics.Add(type.Location, $"unknown {StageName(stage)} type '{type.Text}' in {PolicyPaths.Display(path)}", Suggestions.ClosestHint(type.Text, candidates) ?? TypeList(stage));
        return null;
    }

    private string TypeList(DefenseStage stage)
    {
        var types = defenses.Values.Where(d => d.Stage == stage).Select(d => d.Type).Order(StringComparer.Ordinal).ToArray();
        return types.Length == 0
            ? $"this build has no {StageName(stage)} types"
            : "known types: " + string.Join(", ", types);
    }

    private static string StageName(DefenseStage stage) => stage == DefenseStage.Preprocess ? "preprocess" : stage.Noun();
}
