using System.Text;

namespace NeuralSec.Policy.Editing;

/// <summary>
/// A unified diff in Git's form (<c>diff --git a/PATH b/PATH</c>, three lines of context) of two versions of one file —
/// what <c>neuralsec calibrate --patch</c> prints for review or for a GitOps pull request. The <c>a/</c> and <c>b/</c>
/// prefixes are what <c>git apply</c> and <c>patch -p1</c> strip by default, so neither needs a flag.
/// </summary>
public static class UnifiedDiff
{
    private const int Context = 3;

    // Calibration changes a few lines of a small file; a larger middle section falls back to one replace hunk
    // rather than filling memory with the LCS table.
    private const long MaxTableCells = 4_000_000;

    /// <summary>The diff, empty when the texts are equal. <paramref name="path"/> is the file's path from where the
    /// patch will be applied (a repository root), with '/' separators.</summary>
    public static string Create(string path, string before, string after)
    {
        if (before == after)
        {
            return string.Empty;
        }

        var (a, aEndsWithNewline) = Lines(before);
        var (b, bEndsWithNewline) = Lines(after);
        var ops = Diff(a, b);
        var output = new StringBuilder();
        output.Append("diff --git a/").Append(path).Append(" b/").Append(path).Append('\n')
            .Append("--- a/").Append(path).Append('\n').Append("+++ b/").Append(path).Append('\n');
        var changes = Enumerable.Range(0, ops.Count).Where(i => ops[i].Kind != ' ').ToArray();
        var group = 0;
        while (group < changes.Length)
        {
            var last = group;
            while (last + 1 < changes.Length && changes[last + 1] - changes[last] <= 2 * Context)
            {
                last++;
            }

            var from = Math.Max(0, changes[group] - Context);
            var to = Math.Min(ops.Count, changes[last] + Context + 1);
            AppendHunk(output, ops, from, to, (a.Count, aEndsWithNewline), (b.Count, bEndsWithNewline));
            group = last + 1;
        }

        return output.ToString();
    }

    private static void AppendHunk(StringBuilder output, List<(char Kind, string Line, int A, int B)> ops, int from, int to, (int Count, bool EndsWithNewline) a, (int Count, bool EndsWithNewline) b)
    {
        var oldCount = 0;
        var newCount = 0;
        for (var i = from; i < to; i++)
        {
            oldCount += ops[i].Kind != '+' ? 1 : 0;
            newCount += ops[i].Kind != '-' ? 1 : 0;
        }

        // Unified diff numbers lines from 1; an empty side names the line before it.
        var oldStart = ops[from].A + (oldCount > 0 ? 1 : 0);
        var newStart = ops[from].B + (newCount > 0 ? 1 : 0);
        output.Append($"@@ -{oldStart},{oldCount} +{newStart},{newCount} @@\n");
        for (var i = from; i < to; i++)
        {
            var (kind, line, lineA, lineB) = ops[i];
            output.Append(kind).Append(line).Append('\n');
            var lastOfA = kind != '+' && lineA == a.Count - 1 && !a.EndsWithNewline;
            var lastOfB = kind != '-' && lineB == b.Count - 1 && !b.EndsWithNewline;
            if (lastOfA || lastOfB)
            {
                output.Append("\\ No newline at end of file\n");
            }
        }
    }

    /// <summary>Edit script: (' ' | '-' | '+', line, index in a, index in b) — for '+' the a index is where it goes,
    /// for '-' the b index likewise, which is what the hunk header counts from.</summary>
    private static List<(char Kind, string Line, int A, int B)> Diff(List<string> a, List<string> b)
    {
        var prefix = 0;
        while (prefix < a.Count && prefix < b.Count && a[prefix] == b[prefix])
        {
            prefix++;
        }

        var suffix = 0;
        while (suffix < a.Count - prefix && suffix < b.Count - prefix && a[a.Count - 1 - suffix] == b[b.Count - 1 - suffix])
        {
            suffix++;
        }

        var ops = new List<(char, string, int, int)>();
        for (var i = 0; i < prefix; i++)
        {
            ops.Add((' ', a[i], i, i));
        }

        var (n, m) = (a.Count - prefix - suffix, b.Count - prefix - suffix);
        if ((long)(n + 1) * (m + 1) > MaxTableCells)
        {
            for (var i = 0; i < n; i++)
            {
                ops.Add(('-', a[prefix + i], prefix + i, prefix));
            }

            for (var j = 0; j < m; j++)
            {
                ops.Add(('+', b[prefix + j], prefix + n, prefix + j));
            }
        }
        else
        {
            // Longest common subsequence of the middle, suffix table: lcs[i, j] for a[i..], b[j..].
            var lcs = new int[n + 1, m + 1];
            for (var i = n - 1; i >= 0; i--)
            {
                for (var j = m - 1; j >= 0; j--)
                {
                    lcs[i, j] = a[prefix + i] == b[prefix + j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
                }
            }

            int x = 0, y = 0;
            while (x < n || y < m)
            {
                if (x < n && y < m && a[prefix + x] == b[prefix + y])
                {
                    ops.Add((' ', a[prefix + x], prefix + x, prefix + y));
                    x++;
                    y++;
                }
                else if (y < m && (x == n || lcs[x, y + 1] > lcs[x + 1, y]))
                {
                    ops.Add(('+', b[prefix + y], prefix + x, prefix + y));
                    y++;
                }
                else
                {
                    ops.Add(('-', a[prefix + x], prefix + x, prefix + y));
                    x++;
                }
            }
        }

        for (var k = 0; k < suffix; k++)
        {
            ops.Add((' ', a[a.Count - suffix + k], a.Count - suffix + k, b.Count - suffix + k));
        }

        return ops;
    }

    private static (List<string> Lines, bool EndsWithNewline) Lines(string text)
    {
        var lines = text.Split('\n').ToList();
        var endsWithNewline = text.Length == 0 || text.EndsWith('\n');
        if (endsWithNewline)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return (lines, endsWithNewline);
    }
}
