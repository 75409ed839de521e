using System.Text.RegularExpressions;

namespace NeuralSec.Gateway.Tests.Monitoring;

/// <summary>docs/metrics.md's tables: every family the sidecar exports, with its type and labels.</summary>
internal sealed partial class MetricsCatalog
{
    private MetricsCatalog(IReadOnlyDictionary<string, Entry> entries) => Entries = entries;

    public IReadOnlyDictionary<string, Entry> Entries { get; }

    public static MetricsCatalog Load(string path)
    {
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            if (Row().Match(line) is not { Success: true } row)
            {
                continue;
            }

            var labels = LabelCell().Matches(row.Groups["labels"].Value).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
            var name = row.Groups["name"].Value;
            if (!entries.TryAdd(name, new Entry(name, row.Groups["type"].Value, labels, row.Groups["meaning"].Value.Contains("appears with the first", StringComparison.Ordinal))))
            {
                throw new InvalidDataException($"{path} lists {name} twice");
            }
        }

        return new MetricsCatalog(entries);
    }

    /// <param name="AppearsLater">The row says the family "appears with the first" measurement: a .NET meter
    /// instrument the exporter publishes only once it has measured something.</param>
    internal sealed record Entry(string Name, string Type, IReadOnlySet<string> Labels, bool AppearsLater);

    [GeneratedRegex(@"^\|\s*`(?<name>[a-z_:][a-z0-9_:]*)`\s*\|\s*(?<type>counter|gauge|histogram|summary)\s*\|(?<labels>[^|]*)\|(?<meaning>.*)\|\s*$")]
    private static partial Regex Row();

    [GeneratedRegex(@"`([a-z_][a-z0-9_]*)`")]
    private static partial Regex LabelCell();
}
