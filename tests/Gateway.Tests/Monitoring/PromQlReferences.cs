using System.Text.RegularExpressions;

namespace NeuralSec.Gateway.Tests.Monitoring;

/// <summary>
/// The metric names and label names a PromQL expression (or a Grafana legend, or an alert's annotations) refers to.
/// Not a PromQL parser: it finds the identifiers that name series (they start with one of the exported prefixes)
/// and the labels in matchers, <c>by</c>/<c>without</c> clauses and <c>$labels.x</c> / <c>{{x}}</c> templates —
/// enough to tell that an alert reads a series the sidecar never exports, which is how a rule comes to never fire.
/// promtool checks the syntax.
/// </summary>
internal static partial class PromQlReferences
{
    private static readonly string[] ExportedPrefixes = ["neuralsec_", "process_", "dotnet_", "system_runtime_", "microsoft_aspnetcore_", "prometheus_net_"];

    public static IReadOnlySet<string> Metrics(string expression) =>
        Identifier().Matches(StripStrings(expression))
            .Select(m => m.Value)
            .Where(name => ExportedPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))
            .ToHashSet(StringComparer.Ordinal);

    public static IReadOnlySet<string> Labels(string expression)
    {
        var labels = new HashSet<string>(StringComparer.Ordinal);
        var text = StripStrings(expression);
        foreach (Match clause in Grouping().Matches(text))
        {
            foreach (var label in clause.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                labels.Add(label);
            }
        }

        foreach (Match matcher in Matcher().Matches(expression))
        {
            labels.Add(matcher.Groups[1].Value);
        }

        return labels;
    }

    /// <summary>Labels an alert's annotations (<c>$labels.x</c>) or a Grafana legend (<c>{{x}}</c>) print.</summary>
    public static IReadOnlySet<string> TemplateLabels(string template) =>
        TemplateLabel().Matches(template).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value).ToHashSet(StringComparer.Ordinal);

    // String literals hold label values ("blocked|throttled"), never names.
    private static string StripStrings(string expression) => StringLiteral().Replace(expression, "\"\"");

    [GeneratedRegex(@"[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"\b(?:by|without)\s*\(([^)]*)\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)\s*""")]
    private static partial Regex Matcher();

    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)|\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}")]
    private static partial Regex TemplateLabel();
}
