using System.Text.RegularExpressions;

namespace NeuralSec.Repository.Tests.DocCommands;

/// <summary>
/// A fenced <c>sh</c>, <c>bash</c>, <c>shell</c> or <c>console</c> block of a markdown file: the commands a reader
/// copies. <see cref="NotRunReason"/> is the reason of a <c>&lt;!-- not-run: reason --&gt;</c> comment on the line
/// before the fence (empty when the comment names none), null when there is no such comment.
/// </summary>
internal sealed partial record ShellBlock(string Doc, int Line, string Language, string? NotRunReason, IReadOnlyList<(int Line, string Text)> Lines)
{
    private static readonly HashSet<string> ShellLanguages = new(StringComparer.Ordinal) { "sh", "bash", "shell", "console" };

    /// <summary>The shell blocks of <paramref name="markdown"/>, named <paramref name="doc"/> in problems.</summary>
    public static IReadOnlyList<ShellBlock> Read(string doc, string markdown)
    {
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var blocks = new List<ShellBlock>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            var language = lines[i][3..].Trim();
            var start = i;
            var body = new List<(int, string)>();
            for (i++; i < lines.Length && !lines[i].StartsWith("```", StringComparison.Ordinal); i++)
            {
                body.Add((i + 1, lines[i]));
            }

            if (ShellLanguages.Contains(language))
            {
                blocks.Add(new ShellBlock(doc, start + 1, language, NotRun(lines, start), body));
            }
        }

        return blocks;
    }

    /// <summary>The command lines: every line of a script block; in a <c>console</c> block only those after a
    /// <c>$ </c> prompt (the rest is output), continuation lines included.</summary>
    public IEnumerable<(int Line, string Text)> CommandLines()
    {
        if (Language != "console")
        {
            return Lines;
        }

        var commands = new List<(int, string)>();
        var continued = false;
        foreach (var (line, text) in Lines)
        {
            if (text.StartsWith("$ ", StringComparison.Ordinal) || continued)
            {
                var command = continued ? text : text[2..];
                commands.Add((line, command));
                continued = command.EndsWith('\\');
            }
        }

        return commands;
    }

    private static string? NotRun(string[] lines, int fence)
    {
        var before = fence - 1;
        while (before >= 0 && lines[before].Trim().Length == 0)
        {
            before--;
        }

        if (before < 0)
        {
            return null;
        }

        var match = NotRunComment().Match(lines[before].Trim());
        return match.Success ? match.Groups["reason"].Value.Trim() : null;
    }

    [GeneratedRegex(@"^<!--\s*not-run\s*:?(?<reason>.*?)-->$")]
    private static partial Regex NotRunComment();
}
