namespace NeuralSec.Repository.Tests.DocCommands;

/// <summary>
/// Checks every command of a doc's shell blocks against the repository, in the doc's order:
/// <list type="bullet">
/// <item>the program exists: a NeuralSec tool (by name or as <c>dotnet run --project</c> of its project), a tracked
/// project for <c>dotnet run/test/publish</c>, a tracked script, or one of <see cref="DocCommandRules.ExternalPrograms"/>;</item>
/// <item>a tool's subcommands and every option are on its built <c>--help</c> pages, and options that take a value
/// have one;</item>
/// <item>every repository path it names is tracked, or written by an earlier command of the same doc (a
/// <c>&gt;</c> redirection or an <see cref="DocCommandRules.OutputOptions">output option</see>);</item>
/// <item>quick commands (<see cref="DocCommandRules.Quick"/>, any <c>--help</c>) run from the repository root and
/// exit 0; the rest must be listed in <see cref="DocCommandRules.ParseOnly"/>.</item>
/// </list>
/// A block after <c>&lt;!-- not-run: reason --&gt;</c> is never run and may use other programs (which are not
/// checked); its NeuralSec commands are still checked for parse validity and files.
/// </summary>
internal sealed class DocCommandChecker(RepositoryFiles files)
{
    private static readonly string[] PathExtensions = [".yaml", ".yml", ".json", ".gz", ".md", ".patch", ".onnx", ".sh", ".csproj", ".proto"];

    /// <summary>Commands checked so far, over all docs (a guard against a check that silently checks nothing).</summary>
    public int Checked { get; private set; }

    /// <summary>Commands run so far.</summary>
    public int Ran { get; private set; }

    public async Task<IReadOnlyList<string>> CheckAsync(string doc, string markdown)
    {
        var problems = new List<string>();
        var produced = new List<string>();
        foreach (var block in ShellBlock.Read(doc, markdown))
        {
            if (block.NotRunReason is "")
            {
                problems.Add($"{doc}:{block.Line}: a not-run comment must say why (<!-- not-run: needs a running sidecar -->)");
            }

            IReadOnlyList<ShellCommand> commands;
            try
            {
                commands = ShellCommand.Parse(block.CommandLines());
            }
            catch (FormatException e)
            {
                problems.Add($"{doc}: {e.Message}");
                continue;
            }

            foreach (var command in commands)
            {
                Checked++;
                await new CommandCheck(this, doc, command, run: block.NotRunReason is null, produced, problems).RunAsync();
            }
        }

        return problems;
    }

    private static string Normalize(string path) => (path.StartsWith("./", StringComparison.Ordinal) ? path[2..] : path).TrimEnd('/');

    private static bool LooksLikeRepositoryPath(string word) =>
        word.Length > 0
        && !word.Contains("://", StringComparison.Ordinal)
        && !word.Contains('$', StringComparison.Ordinal)
        && !word.Any(char.IsWhiteSpace)
        && word[0] is not ('/' or '~' or '-' or '@' or '[')
        && (word.Contains('/', StringComparison.Ordinal) || PathExtensions.Any(e => word.EndsWith(e, StringComparison.Ordinal)));

    /// <summary>One command's check; the state a command needs while its words are read.</summary>
    private sealed class CommandCheck(DocCommandChecker owner, string doc, ShellCommand command, bool run, List<string> produced, List<string> problems)
    {
        private void Problem(string what) => problems.Add($"{doc}:{command.Line}: {command}: {what}");

        public async Task RunAsync()
        {
            var w = command.Words;
            foreach (var input in command.Inputs)
            {
                Path(input);
            }

            if (NeuralSecTool.ByName(w[0]) is { } tool)
            {
                await ToolAsync(tool, w.Skip(1).ToArray());
            }
            else if (w[0] == "dotnet" && w.Count > 1 && w[1] == "run")
            {
                await DotnetRunAsync(w);
            }
            else if (w[0] == "dotnet" && w.Count > 1 && w[1] is "test" or "publish" or "build")
            {
                var project = w.Skip(2).FirstOrDefault(a => !a.StartsWith('-'));
                if (project is null || !owner.Project(project))
                {
                    Problem($"'dotnet {w[1]}' names no tracked project ({project ?? "none"})");
                }

                await ClassifyAsync($"dotnet {w[1]}", help: false, () => Task.CompletedTask);
            }
            else if (w[0].StartsWith("./", StringComparison.Ordinal))
            {
                if (!owner.Exists(Normalize(w[0])))
                {
                    Problem($"'{w[0]}' is not a tracked script");
                }

                await ClassifyAsync(w[0], help: false, () => Task.CompletedTask);
            }
            else if (DocCommandRules.ExternalPrograms.Contains(w[0]))
            {
                foreach (var word in w.Skip(1))
                {
                    Path(word);
                }
            }
            else if (run)
            {
                Problem($"'{w[0]}' is no NeuralSec tool and not in DocCommandRules.ExternalPrograms: mark the block <!-- not-run: reason --> if it needs more than a fresh clone");
            }

            foreach (var output in command.Outputs)
            {
                produced.Add(Normalize(output));
            }
        }

        private async Task DotnetRunAsync(IReadOnlyList<string> w)
        {
            string? project = null;
            var i = 2;
            for (; i < w.Count && w[i] != "--"; i++)
            {
                var name = w[i].Split('=', 2)[0];
                if (!DocCommandRules.DotnetRunOptions.TryGetValue(name, out var takesValue))
                {
                    Problem($"'dotnet run' option '{w[i]}' is not one the docs use ({string.Join(", ", DocCommandRules.DotnetRunOptions.Keys)})");
                    continue;
                }

                var value = w[i].Contains('=', StringComparison.Ordinal) ? w[i].Split('=', 2)[1] : takesValue && i + 1 < w.Count ? w[++i] : null;
                if (name == "--project")
                {
                    project = value;
                }
            }

            if (project is null || !owner.Project(Normalize(project)))
            {
                Problem($"'dotnet run' needs --project with a tracked project, not '{project}'");
                return;
            }

            if (NeuralSecTool.ByProject(Normalize(project)) is { } tool)
            {
                await ToolAsync(tool, w.Skip(i + 1).ToArray());
            }
        }

        private async Task ToolAsync(NeuralSecTool tool, string[] args)
        {
            var before = problems.Count;
            if (args.Length > 0 && args[0].StartsWith('[') && args[0].EndsWith(']'))
            {
                // A System.CommandLine directive ([suggest:N] for dotnet-suggest); the words after it are the command
                // line being completed, not options of this one.
                var directive = args[0][1..^1].Split(':')[0];
                if (directive != "suggest")
                {
                    Problem($"unknown directive [{directive}]");
                }

                await ClassifyAsync($"{tool.Name} [{directive}]", help: false, () => RunToolAsync(tool, args, before));
                return;
            }

            var path = new List<string>();
            var page = await tool.HelpAsync(path);
            var positional = false;
            var help = false;
            for (var i = 0; i < args.Length; i++)
            {
                var a = args[i];
                if (a is "--help" or "-h" or "-?")
                {
                    help = true;
                }
                else if (a.StartsWith('-') && a.Length > 1)
                {
                    var name = a.Split('=', 2)[0];
                    var inline = a.Contains('=', StringComparison.Ordinal) ? a.Split('=', 2)[1] : null;
                    if (name.Contains(':', StringComparison.Ordinal) && tool.Name == "neuralsec" && (path.Count == 0 || path is ["serve"]))
                    {
                        // A configuration switch (--NeuralSec:Backend=Upstream, or its value in the next word after serve).
                        i += inline is null && i + 1 < args.Length && !args[i + 1].StartsWith('-') ? 1 : 0;
                    }
                    else if (!page.Options.TryGetValue(name, out var takesValue))
                    {
                        Problem($"'{Key(tool, path)}' has no option '{name}' (its --help lists {string.Join(", ", page.Options.Keys.Where(k => k.StartsWith("--", StringComparison.Ordinal)))})");
                    }
                    else if (takesValue && inline is null && (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal)))
                    {
                        Problem($"'{name}' needs a value");
                    }
                    else if (takesValue)
                    {
                        Value(name, inline ?? args[++i]);
                    }
                }
                else if (!positional && page.Commands.Contains(a))
                {
                    path.Add(a);
                    page = await tool.HelpAsync(path);
                }
                else if (!positional && page.Commands.Count > 0)
                {
                    Problem($"'{Key(tool, path)}' has no command '{a}' (its --help lists {string.Join(", ", page.Commands)})");
                    positional = true;
                }
                else if (!page.TakesArguments)
                {
                    Problem($"'{Key(tool, path)}' takes no arguments, not '{a}'");
                    positional = true;
                }
                else
                {
                    positional = true;
                    Path(a);
                }
            }

            await ClassifyAsync(Key(tool, path), help, () => RunToolAsync(tool, args, before));
        }

        private async Task RunToolAsync(NeuralSecTool tool, string[] args, int problemsBefore)
        {
            if (!run || problems.Count > problemsBefore)
            {
                return;
            }

            owner.Ran++;
            var (code, _, error) = await tool.RunAsync(args);
            if (code != 0)
            {
                Problem($"exited {code}: {error.ReplaceLineEndings("\n").Split('\n')[0]}");
            }
        }

        private async Task ClassifyAsync(string key, bool help, Func<Task> runIt)
        {
            if (help || DocCommandRules.Quick.Contains(key))
            {
                await runIt();
            }
            else if (!DocCommandRules.ParseOnly.ContainsKey(key))
            {
                Problem($"'{key}' is in neither DocCommandRules.Quick (runs here) nor DocCommandRules.ParseOnly (with why not)");
            }
        }

        private static string Key(NeuralSecTool tool, List<string> path) => path.Count == 0 ? tool.Name : $"{tool.Name} {string.Join(' ', path)}";

        private void Value(string option, string value)
        {
            if (DocCommandRules.OutputOptions.Contains(option))
            {
                produced.Add(Normalize(value));
            }
            else
            {
                Path(value);
            }
        }

        private void Path(string word)
        {
            if (!LooksLikeRepositoryPath(word))
            {
                return;
            }

            var path = Normalize(word);
            if (!owner.Exists(path) && !produced.Any(p => path == p || path.StartsWith(p + "/", StringComparison.Ordinal)))
            {
                Problem($"'{word}' is not in the repository and no earlier command of {doc} writes it");
            }
        }
    }

    private bool Exists(string path) => files.Exists(path);

    private bool Project(string path) => files.IsProject(Normalize(path));
}
