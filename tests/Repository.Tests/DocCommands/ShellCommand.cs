using System.Text;

namespace NeuralSec.Repository.Tests.DocCommands;

/// <summary>
/// One simple command of a shell block: its words (quotes removed, <c>\</c> continuations joined, comments dropped)
/// and the files its redirections name. Only the shell a copied command needs: quotes, <c>|</c>, <c>&amp;&amp;</c>,
/// <c>||</c>, <c>;</c>, <c>&gt;</c>, <c>&gt;&gt;</c>, <c>&lt;</c>, <c>2&gt;&amp;1</c>. Words holding <c>$</c> keep it
/// verbatim: what a variable expands to is not known here.
/// </summary>
internal sealed record ShellCommand(int Line, IReadOnlyList<string> Words, IReadOnlyList<string> Outputs, IReadOnlyList<string> Inputs)
{
    public override string ToString() => string.Join(' ', Words);

    /// <summary>The commands of <paramref name="lines"/> in order.</summary>
    public static IReadOnlyList<ShellCommand> Parse(IEnumerable<(int Line, string Text)> lines)
    {
        var commands = new List<ShellCommand>();
        var joined = new StringBuilder();
        var first = 0;
        foreach (var (line, text) in lines)
        {
            if (joined.Length == 0)
            {
                first = line;
            }

            if (text.EndsWith('\\'))
            {
                joined.Append(text.AsSpan(0, text.Length - 1)).Append(' ');
                continue;
            }

            joined.Append(text);
            commands.AddRange(Split(first, joined.ToString()));
            joined.Clear();
        }

        if (joined.Length > 0)
        {
            commands.AddRange(Split(first, joined.ToString()));
        }

        return commands;
    }

    private static IEnumerable<ShellCommand> Split(int line, string text)
    {
        var words = new List<string>();
        var outputs = new List<string>();
        var inputs = new List<string>();
        List<string>? redirect = null;
        var word = new StringBuilder();
        var inWord = false;
        var i = 0;

        void EndWord()
        {
            if (!inWord)
            {
                return;
            }

            (redirect ?? words).Add(word.ToString());
            redirect = null;
            word.Clear();
            inWord = false;
        }

        ShellCommand? EndCommand()
        {
            EndWord();
            var command = words.Count > 0 ? new ShellCommand(line, words.ToArray(), outputs.ToArray(), inputs.ToArray()) : null;
            words.Clear();
            outputs.Clear();
            inputs.Clear();
            return command;
        }

        while (i < text.Length)
        {
            var c = text[i];
            if (c is '\'' or '"')
            {
                var end = text.IndexOf(c, i + 1);
                if (end < 0)
                {
                    throw new FormatException($"line {line}: unterminated {c} quote");
                }

                word.Append(text, i + 1, end - i - 1);
                inWord = true;
                i = end + 1;
            }
            else if (char.IsWhiteSpace(c))
            {
                EndWord();
                i++;
            }
            else if (c == '#' && !inWord)
            {
                break;
            }
            else if (c is '|' or ';' || (c == '&' && i + 1 < text.Length && text[i + 1] == '&'))
            {
                if (EndCommand() is { } command)
                {
                    yield return command;
                }

                i += i + 1 < text.Length && text[i + 1] == c ? 2 : 1;
            }
            else if (c is '>' or '<')
            {
                // "2>" and "&>" redirect other streams; "2>&1" names no file.
                if (inWord && word.ToString() is "2" or "1" or "&")
                {
                    word.Clear();
                    inWord = false;
                }

                EndWord();
                i += i + 1 < text.Length && text[i + 1] == '>' ? 2 : 1;
                if (i < text.Length && text[i] == '&')
                {
                    while (i < text.Length && !char.IsWhiteSpace(text[i]))
                    {
                        i++;
                    }

                    continue;
                }

                redirect = c == '>' ? outputs : inputs;
            }
            else
            {
                word.Append(c);
                inWord = true;
                i++;
            }
        }

        if (EndCommand() is { } last)
        {
            yield return last;
        }
    }
}
