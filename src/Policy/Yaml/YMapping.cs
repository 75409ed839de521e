namespace NeuralSec.Policy.Yaml;

/// <summary>A mapping with its entries in file order. Duplicate keys are kept so the validator can report them.</summary>
internal sealed class YMapping(SourceLocation location, IReadOnlyList<YEntry> entries) : YNode(location)
{
    public IReadOnlyList<YEntry> Entries { get; } = entries;

    /// <summary>True for <c>{…}</c>.</summary>
    public bool IsFlow { get; init; }

    /// <summary>The first entry with the key, or null.</summary>
    public YEntry? Find(string key)
    {
        foreach (var entry in Entries)
        {
            if (entry.Key.Text == key)
            {
                return entry;
            }
        }

        return null;
    }

    public override string Describe() => "a mapping";
}
