using System.Text.RegularExpressions;

namespace NeuralSec.Gateway.Tests.Monitoring;

/// <summary>One Prometheus text-format scrape, read into its families (name → type) and, per family, the label
/// names its samples carry.</summary>
internal sealed partial class PrometheusScrape
{
    private static readonly string[] HistogramSuffixes = ["_bucket", "_sum", "_count"];

    private PrometheusScrape(Dictionary<string, string> types, Dictionary<string, HashSet<string>> labels)
    {
        Types = types;
        Labels = labels;
    }

    /// <summary>Family name → <c>counter</c>, <c>gauge</c>, <c>histogram</c> or <c>summary</c>.</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    /// <summary>Family name → the label names seen on its samples (without a histogram's <c>le</c>).</summary>
    public IReadOnlyDictionary<string, HashSet<string>> Labels { get; }

    public static PrometheusScrape Parse(string text)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var labels = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                types[parts[2]] = parts[3].Trim();
                labels.TryAdd(parts[2], []);
                continue;
            }

            if (line.Length == 0 || line[0] == '#' || Sample().Match(line) is not { Success: true } sample)
            {
                continue;
            }

            var family = FamilyOf(sample.Groups["name"].Value, types);
            var set = labels.TryGetValue(family, out var existing) ? existing : labels[family] = [];
            foreach (Match label in LabelName().Matches(sample.Groups["labels"].Value))
            {
                if (label.Groups[1].Value != "le")
                {
                    set.Add(label.Groups[1].Value);
                }
            }
        }

        return new PrometheusScrape(types, labels);
    }

    /// <summary>The value of one series in a scrape's text, as written (<c>1</c>, <c>42</c>, <c>0.25</c>), or null when the
    /// page does not carry it. <paramref name="series"/> is the name with its labels exactly as exposed, e.g.
    /// <c>neuralsec_state_store_up</c> or <c>neuralsec_x_count{stage="observe"}</c>.</summary>
    public static string? SampleValue(string text, string series)
    {
        ArgumentNullException.ThrowIfNull(text);
        var prefix = series + " ";
        return text.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..].Split(' ')[0];
    }

    /// <summary>A counter series' value in a scrape's text; 0 when the page does not carry it yet (a labelled child is
    /// exposed from its first increment).</summary>
    public static double CounterValue(string text, string series) =>
        SampleValue(text, series) is { } value ? double.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : 0;

    /// <summary>The family a series or sample name belongs to: a histogram's <c>_bucket</c>, <c>_sum</c> and
    /// <c>_count</c> belong to the histogram.</summary>
    public static string FamilyOf(string name, IReadOnlyDictionary<string, string> types)
    {
        foreach (var suffix in HistogramSuffixes)
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal)
                && types.TryGetValue(name[..^suffix.Length], out var type)
                && type is "histogram" or "summary")
            {
                return name[..^suffix.Length];
            }
        }

        return name;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s")]
    private static partial Regex Sample();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""")]
    private static partial Regex LabelName();
}
