using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;
using NeuralSec.Text;

namespace NeuralSec.CommandLine;

/// <summary>Parse errors as the one-line messages of our convention, with "did you mean" where one fits.</summary>
public static partial class ParseErrors
{
    /// <summary>One line per error of <paramref name="parseResult"/>, in order, without repeats.</summary>
    public static IReadOnlyList<string> Describe(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var unmatched = parseResult.UnmatchedTokens;
        var lines = new List<string>();
        var reported = new HashSet<SymbolResult>();
        foreach (var error in parseResult.Errors)
        {
            // One error per option or argument, and one unknown word per command: the first says what is wrong,
            // the words after a mistyped command or option are only its fallout.
            if ((error.SymbolResult is OptionResult or ArgumentResult || IsUnknownToken(error, unmatched)) && !reported.Add(error.SymbolResult!))
            {
                continue;
            }

            if (IsMissingSubcommand(error, unmatched, out var group))
            {
                // "Required command was not provided" beside "unknown command 'x'" says nothing more.
                if (parseResult.Errors.Count == 1)
                {
                    lines.Add($"missing command; expected one of: {string.Join(", ", VisibleSubcommands(group).Select(c => c.Name))}");
                }

                continue;
            }

            var line = Describe(error, unmatched);
            if (!lines.Contains(line))
            {
                lines.Add(line);
            }
        }

        return lines;
    }

    /// <summary>
    /// "unknown option '--hepl'; did you mean '--help'?", "unknown command 'polcy'; did you mean 'policy'?" or
    /// "unexpected argument 'x'", for a token <paramref name="command"/> does not know.
    /// </summary>
    public static string UnknownToken(Command command, string token)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(token);
        if (token.StartsWith('-'))
        {
            return $"unknown option '{token}'{Suggestions.Hint(token, OptionNames(command))}";
        }

        var subcommands = VisibleSubcommands(command).SelectMany(c => c.Aliases.Prepend(c.Name)).ToArray();
        var hint = Suggestions.Hint(token, subcommands);
        return subcommands.Length > 0 && (command.Arguments.All(a => a.Hidden) || hint.Length > 0)
            ? $"unknown command '{token}'{hint}"
            : $"unexpected argument '{token}'";
    }

    /// <summary>The names and aliases of every visible option valid on <paramref name="command"/>, inherited ones included.</summary>
    public static IEnumerable<string> OptionNames(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var own = command.Options.Where(o => !o.Hidden);
        var inherited = Ancestors(command).SelectMany(a => a.Options.Where(o => o.Recursive && !o.Hidden));
        return own.Concat(inherited).SelectMany(o => o.Aliases.Prepend(o.Name)).Distinct(StringComparer.Ordinal);
    }

    internal static IEnumerable<Command> VisibleSubcommands(Command command) => command.Subcommands.Where(c => !c.Hidden);

    private static IEnumerable<Command> Ancestors(Command command)
    {
        for (var parent = command.Parents.OfType<Command>().FirstOrDefault(); parent is not null; parent = parent.Parents.OfType<Command>().FirstOrDefault())
        {
            yield return parent;
        }
    }

    private static bool IsUnknownToken(ParseError error, IReadOnlyList<string> unmatched) =>
        error.SymbolResult is CommandResult && unmatched.Any(t => error.Message.Contains($"'{t}'", StringComparison.Ordinal));

    private static bool IsMissingSubcommand(ParseError error, IReadOnlyList<string> unmatched, out Command group)
    {
        group = null!;
        if (error.SymbolResult is CommandResult { Command: { Action: null } command }
            && command.Subcommands.Count > 0
            && !unmatched.Any(t => error.Message.Contains($"'{t}'", StringComparison.Ordinal)))
        {
            group = command;
            return true;
        }

        return false;
    }

    private static string Describe(ParseError error, IReadOnlyList<string> unmatched)
    {
        switch (error.SymbolResult)
        {
            case CommandResult commandResult when unmatched.FirstOrDefault(t => error.Message.Contains($"'{t}'", StringComparison.Ordinal)) is { } token:
                return UnknownToken(commandResult.Command, token);
            case OptionResult { Option.Required: true, IdentifierToken: null } required:
                return $"{required.Option.Name} is required";
            case OptionResult { IdentifierToken: { } identifier, Tokens.Count: 0 } option when option.Option.Arity.MinimumNumberOfValues > 0:
                return $"{identifier.Value} needs a value";
            case ArgumentResult argument when argument.Tokens.Count < argument.Argument.Arity.MinimumNumberOfValues:
                return $"missing <{argument.Argument.HelpName ?? argument.Argument.Name}>";
            default:
                return Plain(error.Message);
        }
    }

    /// <summary>A library message in our style: one line, lower-case start, no closing full stop.</summary>
    private static string Plain(string message)
    {
        var line = Whitespace().Replace(message.Trim(), " ");
        if (line.Length > 1 && char.IsUpper(line[0]) && char.IsLower(line[1]))
        {
            line = char.ToLowerInvariant(line[0]) + line[1..];
        }

        return line.EndsWith('.') ? line[..^1] : line;
    }

    [GeneratedRegex(@"\s*[\r\n]+\s*|\t+")]
    private static partial Regex Whitespace();
}
