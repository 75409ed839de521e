namespace NeuralSec.Repository.Tests.DocCommands;

/// <summary>
/// What one command's <c>--help</c> (System.CommandLine's layout) says it accepts: its options, with whether each
/// takes a value (<c>--out &lt;FILE&gt;</c>) or is a flag, and its subcommands. Read from the help text rather than
/// from the parser objects so that the check sees what a user sees, through the built executable.
/// </summary>
internal sealed record HelpPage(IReadOnlyDictionary<string, bool> Options, IReadOnlySet<string> Commands, bool TakesArguments)
{
    public static HelpPage Parse(string help)
    {
        var options = new Dictionary<string, bool>(StringComparer.Ordinal);
        var commands = new HashSet<string>(StringComparer.Ordinal);
        string? section = null;
        var takesArguments = false;
        foreach (var line in help.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.Length == 0)
            {
                section = null;
            }
            else if (!line.StartsWith(' '))
            {
                section = line.TrimEnd();
            }
            else if (line.Length > 2 && line[..2] == "  " && line[2] != ' ')
            {
                // An entry; wrapped descriptions are indented further and skipped. The entry's own part ends at the
                // first run of two spaces, where its description begins.
                var entry = line[2..];
                var gap = entry.IndexOf("  ", StringComparison.Ordinal);
                entry = gap < 0 ? entry : entry[..gap];
                if (section == "Usage:")
                {
                    // "neuralsec policy validate <file|dir>... [options]": arguments are the <...> words.
                    takesArguments |= entry.Contains('<', StringComparison.Ordinal);
                }
                else if (section == "Options:")
                {
                    var takesValue = entry.Contains('<', StringComparison.Ordinal);
                    foreach (var name in entry.Split(' ').TakeWhile(w => w.StartsWith('-')).Select(w => w.TrimEnd(',')))
                    {
                        options[name] = takesValue;
                    }
                }
                else if (section == "Commands:")
                {
                    commands.Add(entry.Split(' ')[0]);
                }
            }
        }

        return new HelpPage(options, commands, takesArguments);
    }
}
