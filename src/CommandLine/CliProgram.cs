using System.CommandLine;
using System.CommandLine.Invocation;

namespace NeuralSec.CommandLine;

/// <summary>
/// Runs a System.CommandLine tree with the conventions every NeuralSec executable shares:
/// <list type="bullet">
/// <item>exit codes <see cref="ExitCodes"/>: 0 success, 1 failure, 2 usage error;</item>
/// <item>every error is one line on stderr, prefixed with the command as typed (<c>neuralsec policy validate: …</c>),
/// never a stack trace; a usage error names the help to read and, for a mistyped command or option, the likely
/// intended one ("did you mean '--help'?");</item>
/// <item><c>--help</c> (<c>-h</c>) on the root and every command prints help and exits 0, so does <c>help [command]</c>;
/// the help ends with the exit codes;</item>
/// <item>shell completion through the <c>[suggest]</c> directive that <c>dotnet-suggest</c> calls.</item>
/// </list>
/// Output goes to the writers passed in, so tests run a whole command line in-process.
/// </summary>
public sealed class CliProgram
{
    private readonly Func<Exception, bool> _isExpected;

    /// <param name="name">The executable's name, as users type it (<c>neuralsec-lab</c>).</param>
    /// <param name="root">The command tree; this program takes it over (help, the <c>help</c> command).</param>
    /// <param name="isExpectedFailure">
    /// Exceptions whose message is the whole story (a missing file, a bad model): printed as
    /// "<c>name command: message</c>". Any other exception is an internal error, printed with its type. I/O,
    /// permission and invalid-data exceptions are always expected.
    /// </param>
    public CliProgram(string name, RootCommand root, Func<Exception, bool>? isExpectedFailure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(root);
        Name = name;
        Root = root;
        _isExpected = isExpectedFailure ?? (_ => false);

        // The root's own name is the running executable's (testhost under a test runner); completion requests from
        // dotnet-suggest start with the name the user typed.
        if (root.Name != name && !root.Aliases.Contains(name))
        {
            root.Aliases.Add(name);
        }

        CommandHelp.Install(root);
        AddHelpCommands(root);
        AddTokenChecks(root);
    }

    public string Name { get; }

    public RootCommand Root { get; }

    /// <summary>Parses and runs <paramref name="args"/>; returns the exit code (<see cref="RunAsync"/>, waited for).</summary>
    public int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error) =>
        RunAsync(args, output, error).GetAwaiter().GetResult();

    /// <summary>Parses and runs <paramref name="args"/>; returns the exit code.</summary>
    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var parseResult = Root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            return ReportParseErrors(parseResult, error);
        }

        try
        {
            return await parseResult.InvokeAsync(Invocation(output, error), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            return Report(parseResult, exception, error);
        }
    }

    /// <summary>"neuralsec policy validate": the program's name and the commands the user typed.</summary>
    public string CommandPath(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var names = new List<string>();
        for (var result = parseResult.CommandResult; result.Parent is System.CommandLine.Parsing.CommandResult parent; result = parent)
        {
            names.Add(result.Command.Name);
        }

        names.Add(Name);
        names.Reverse();
        return string.Join(' ', names);
    }

    private static InvocationConfiguration Invocation(TextWriter output, TextWriter error) => new()
    {
        Output = output,
        Error = error,

        // Exceptions are ours to report (one line, no stack trace).
        EnableDefaultExceptionHandler = false,

        // No System.CommandLine signal handling: Ctrl+C ends a tool as it always did, and the sidecar's host runs
        // its own graceful shutdown on SIGTERM, which must not be cut short after two seconds.
        ProcessTerminationTimeout = null,
    };

    private int ReportParseErrors(ParseResult parseResult, TextWriter error)
    {
        var path = CommandPath(parseResult);
        var lines = ParseErrors.Describe(parseResult);
        for (var i = 0; i < lines.Count; i++)
        {
            error.WriteLine(i == lines.Count - 1 ? $"{path}: {lines[i]} (see '{path} --help')" : $"{path}: {lines[i]}");
        }

        error.Flush();
        return ExitCodes.UsageError;
    }

    private int Report(ParseResult parseResult, Exception exception, TextWriter error)
    {
        var path = CommandPath(parseResult);
        var (code, line) = exception switch
        {
            UsageException usage => (ExitCodes.UsageError, $"{path}: {OneLine(usage.Message)} (see '{path} --help')"),
            OperationCanceledException => (ExitCodes.Failure, $"{path}: cancelled"),
            IOException or UnauthorizedAccessException or InvalidDataException => (ExitCodes.Failure, $"{path}: {OneLine(exception.Message)}"),
            _ when _isExpected(exception) => (ExitCodes.Failure, $"{path}: {OneLine(exception.Message)}"),

            // Still one line: the user needs the cause, not our call stack.
            _ => (ExitCodes.Failure, $"{path}: internal error: {exception.GetType().Name}: {OneLine(exception.Message)}"),
        };
        error.WriteLine(line);
        error.Flush();
        return code;
    }

    private static string OneLine(string message) => string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>
    /// Two slips System.CommandLine lets through: an unknown <c>--option</c> taken as a positional argument, and an
    /// option given no value taking the next option as its value (<c>--policy --write</c>).
    /// </summary>
    private static void AddTokenChecks(Command command)
    {
        foreach (var argument in command.Arguments.Where(a => !Values.PassesOptionsThrough(a)))
        {
            // First, so that a command's own check of the value (does the file exist?) never sees "--strict".
            argument.Validators.Insert(0, result =>
            {
                if (result.Tokens.FirstOrDefault(t => t.Value.Length > 1 && t.Value[0] == '-') is { } token)
                {
                    result.AddError(ParseErrors.UnknownToken(command, token.Value));
                }
            });
        }

        foreach (var option in command.Options.Where(o => o.Arity.MinimumNumberOfValues > 0 && o.ValueType != typeof(bool)))
        {
            option.Validators.Add(result =>
            {
                var known = ParseErrors.OptionNames(command).ToHashSet(StringComparer.Ordinal);
                if (result.Tokens.Any(t => known.Contains(t.Value)))
                {
                    result.AddError($"{result.IdentifierToken?.Value ?? option.Name} needs a value");
                }
            });
        }

        foreach (var subcommand in command.Subcommands)
        {
            AddTokenChecks(subcommand);
        }
    }

    /// <summary><c>help [command…]</c>, hidden, beside <c>--help</c> on every command with subcommands.</summary>
    private void AddHelpCommands(Command command)
    {
        if (command.Subcommands.Count == 0)
        {
            return;
        }

        foreach (var subcommand in command.Subcommands.ToArray())
        {
            AddHelpCommands(subcommand);
        }

        if (command.Subcommands.Any(c => c.Name == "help"))
        {
            return;
        }

        var path = new Argument<string[]>("command") { Arity = ArgumentArity.ZeroOrMore };
        var help = new Command("help", "Show help for a command") { Hidden = true };
        help.Arguments.Add(path);
        help.SetAction(parseResult =>
        {
            // Help for the commands named, as `… <command> --help` would print it.
            var words = new List<string>();
            for (var result = parseResult.CommandResult.Parent as System.CommandLine.Parsing.CommandResult; result?.Parent is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
            {
                words.Insert(0, result.Command.Name);
            }

            words.AddRange(parseResult.GetValue(path) ?? []);
            words.Add("--help");
            var inner = Root.Parse(words);
            if (inner.Errors.Count > 0)
            {
                return ReportParseErrors(inner, parseResult.InvocationConfiguration.Error);
            }

            return inner.Invoke(parseResult.InvocationConfiguration);
        });
        command.Subcommands.Add(help);
    }
}
