using System.Text;

namespace NeuralSec.RedTeam.Report;

/// <summary>A GitHub-flavoured markdown table; cells are written as given (callers format numbers invariantly).</summary>
internal sealed class MarkdownTable
{
    private readonly string[] _header;
    private readonly List<string[]> _rows = [];

    public MarkdownTable(params string[] header)
    {
        _header = header;
    }

    public MarkdownTable Row(params string[] cells)
    {
        if (cells.Length != _header.Length)
        {
            throw new ArgumentException($"row has {cells.Length} cells, the table {_header.Length} columns");
        }

        _rows.Add(cells);
        return this;
    }

    public void WriteTo(StringBuilder sb)
    {
        sb.Append("| ").AppendJoin(" | ", _header).AppendLine(" |");
        sb.Append('|').AppendJoin('|', _header.Select(_ => "---")).AppendLine("|");
        foreach (var r in _rows)
        {
            sb.Append("| ").AppendJoin(" | ", r.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))).AppendLine(" |");
        }

        sb.AppendLine();
    }
}
