using System.Text;

namespace NeuralSec.RedTeam.Report;

/// <summary>A GitHub-flavoured markdown table; cells are written as given (callers format numbers invariantly).</summary>
internal sealed class MarkdownTable
{
    private readonly string[] header;
    private readonly List<string[]> rows = [];

    public MarkdownTable(params string[] header)
    {
        this.header = header;
    }

    public MarkdownTable Row(params string[] cells)
    {
        if (cells.Length != header.Length)
        {
            throw new ArgumentException($"row has {cells.Length} cells, the table {header.Length} columns");
        }

        rows.Add(cells);
        return this;
    }

    public void WriteTo(StringBuilder sb)
    {
        sb.Append("| ").AppendJoin(" | ", header).AppendLine(" |");
        sb.Append('|').AppendJoin('|', header.Select(_ => "---")).AppendLine("|");
        foreach (var r in rows)
        {
            sb.Append("| ").AppendJoin(" | ", r.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))).AppendLine(" |");
        }

        sb.AppendLine();
    }
}
