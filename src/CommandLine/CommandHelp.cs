using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Runtime.CompilerServices;

namespace NeuralSec.CommandLine;

/// <summary>
/// Text a command's <c>--help</c> prints after System.CommandLine's own sections: notes that do not fit one
/// option's description, and the exit codes (inherited from the nearest command that states them).
/// </summary>
public static class CommandHelp
{
    /// <summary>The exit codes of a command that states none, nor any command above it.</summary>
    public const string DefaultExitCodes = "0 success, 1 failure, 2 usage error";

    private static readonly ConditionalWeakTable<Command, string> Notes = [];
    private static readonly ConditionalWeakTable<Command, string> ExitCodeTexts = [];

    /// <summary>Adds <paramref name="text"/> (may span lines) to the end of <paramref name="command"/>'s help.</summary>
    public static T WithHelpNotes<T>(this T command, string text)
        where T : Command
    {
        ArgumentNullException.ThrowIfNull(command);
        Notes.AddOrUpdate(command, text);
        return command;
    }

    /// <summary>States what the exit codes mean for <paramref name="command"/> and the commands below it.</summary>
    public static T WithExitCodes<T>(this T command, string text)
        where T : Command
    {
        ArgumentNullException.ThrowIfNull(command);
        ExitCodeTexts.AddOrUpdate(command, text);
        return command;
    }

    internal static void Install(RootCommand root)
    {
        if (root.Options.OfType<HelpOption>().FirstOrDefault() is { Action: HelpAction standard } help)
        {
            help.Action = new WithNotes(standard);
        }
    }

    private static string ExitCodesOf(Command command)
    {
        for (Command? current = command; current is not null; current = current.Parents.OfType<Command>().FirstOrDefault())
        {
            if (ExitCodeTexts.TryGetValue(current, out var text))
            {
                return text;
            }
        }

        return DefaultExitCodes;
    }

    private sealed class WithNotes(HelpAction standard) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            standard.Invoke(parseResult);
            var output = parseResult.InvocationConfiguration.Output;
            var command = parseResult.CommandResult.Command;
            if (Notes.TryGetValue(command, out var notes))
            {
                output.WriteLine(notes.TrimEnd());
                output.WriteLine();
            }

            output.WriteLine($"Exit codes: {ExitCodesOf(command)}.");
            return ExitCodes.Success;
        }
    }
}
