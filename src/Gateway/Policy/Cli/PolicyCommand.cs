using NeuralSec.Policy.Schema;
using NeuralSec.Policy.Validation;

using NeuralSec.Gateway.Backends.OnnxRuntime;

namespace NeuralSec.Gateway.Policy.Cli;

/// <summary>
/// <c>neuralsec policy …</c>: offline checks for the ops repository's CI, with the runtime's own validator and
/// messages. Exit codes: 0 valid, 1 invalid, 2 usage error.
/// </summary>
internal static class PolicyCommand
{
    public const int Valid = 0;
    public const int Invalid = 1;
    public const int UsageError = 2;

    private const string UsageText = """
        usage: neuralsec policy validate [--model-repository DIR] <file|dir>...
                   check policy files; a folder is checked as one policy set, as the sidecar loads it
                   (unique names, one policy per model and client group, one default); the files named
                   one by one form one more set. Prints file:line:column: error: message (hint).
                   File references resolve next to the policy, then in the model repository (default:
                   the nearest models/repository above the current folder).
               neuralsec policy explain [--model-repository DIR] <file>
                   say in plain words what one policy does
               neuralsec policy schema
                   print the JSON Schema for editors (policies/schema/firewallpolicy.schema.json)
        exit codes: 0 valid, 1 invalid, 2 usage error
        """;

    public static Task<int> RunAsync(string[] args) => RunAsync(args, Console.Out, Console.Error);

    /// <summary>The command with its writers passed in, so tests need not swap the process's console.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0)
        {
            return await UsageAsync(error, "missing subcommand").ConfigureAwait(false);
        }

        var (subcommand, rest) = (args[0], args[1..]);
        switch (subcommand)
        {
            case "help" or "--help" or "-h":
                await output.WriteLineAsync(UsageText).ConfigureAwait(false);
                return Valid;
            case "schema" when rest.Length == 0:
                await output.WriteAsync(PolicySchemaGenerator.Generate()).ConfigureAwait(false);
                return Valid;
            case "schema":
                return await UsageAsync(error, "'schema' takes no arguments").ConfigureAwait(false);
            case "validate" or "explain":
                break;
            default:
                return await UsageAsync(error, $"unknown policy subcommand '{subcommand}'").ConfigureAwait(false);
        }

        if (!TryParsePaths(rest, out var paths, out var modelRepository, out var problem))
        {
            return await UsageAsync(error, problem).ConfigureAwait(false);
        }

        var validator = new PolicyValidator(modelRepository: NeuralSec.Data.RepositoryPaths.LocateModelRepository(modelRepository));
        return subcommand == "validate"
            ? await ValidateAsync(validator, paths, output).ConfigureAwait(false)
            : paths.Count == 1 && File.Exists(paths[0])
                ? await ExplainAsync(validator, paths[0], output).ConfigureAwait(false)
                : await UsageAsync(error, "'explain' takes exactly one policy file").ConfigureAwait(false);
    }

    private static async Task<int> ValidateAsync(PolicyValidator validator, IReadOnlyList<string> paths, TextWriter output)
    {
        var sets = new List<(string Name, IReadOnlyList<PolicySource> Sources)>();
        var looseFiles = new List<PolicySource>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                sets.Add((path, PolicyDirectory.Read(path)));
            }
            else
            {
                looseFiles.Add(PolicySource.FromFile(path));
            }
        }

        if (looseFiles.Count > 0)
        {
            sets.Add(("", looseFiles));
        }

        var errors = 0;
        var files = 0;
        foreach (var (name, sources) in sets)
        {
            if (sources.Count == 0)
            {
                // Checking an empty folder in CI is almost always a wrong path, not an empty rule set.
                await output.WriteLineAsync($"{name}: error: no policy files (*.yaml, *.yml) in this folder").ConfigureAwait(false);
                errors++;
                continue;
            }

            files += sources.Count;
            var result = validator.ValidateSet(sources);
            foreach (var problem in result.Errors)
            {
                await output.WriteLineAsync(problem.ToString()).ConfigureAwait(false);
            }

            foreach (var policy in result.Policies)
            {
                await output.WriteLineAsync($"{policy.Source}: ok: policy '{policy.Name}' revision {policy.Revision}").ConfigureAwait(false);
            }

            errors += result.Errors.Count;
        }

        await output.WriteLineAsync(errors == 0
            ? $"{files} policy file{(files == 1 ? "" : "s")} valid"
            : $"{errors} error{(errors == 1 ? "" : "s")} in {files} policy file{(files == 1 ? "" : "s")}").ConfigureAwait(false);
        return errors == 0 ? Valid : Invalid;
    }

    private static async Task<int> ExplainAsync(PolicyValidator validator, string path, TextWriter output)
    {
        var result = validator.ValidateSet([PolicySource.FromFile(path)]);
        if (!result.IsValid)
        {
            foreach (var problem in result.Errors)
            {
                await output.WriteLineAsync(problem.ToString()).ConfigureAwait(false);
            }

            return Invalid;
        }

        await output.WriteAsync(PolicyExplainer.Explain(result.Policies[0], validator.Defenses)).ConfigureAwait(false);
        return Valid;
    }

    private static bool TryParsePaths(string[] args, out IReadOnlyList<string> paths, out string? modelRepository, out string problem)
    {
        var list = new List<string>();
        paths = list;
        modelRepository = null;
        problem = string.Empty;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--model-repository")
            {
                if (i + 1 >= args.Length || !Directory.Exists(args[i + 1]))
                {
                    problem = "--model-repository needs an existing folder";
                    return false;
                }

                modelRepository = args[++i];
            }
            else if (args[i].StartsWith('-'))
            {
                problem = $"unknown option '{args[i]}'";
                return false;
            }
            else if (!File.Exists(args[i]) && !Directory.Exists(args[i]))
            {
                problem = $"'{args[i]}' does not exist";
                return false;
            }
            else
            {
                list.Add(args[i]);
            }
        }

        if (list.Count == 0)
        {
            problem = "no policy files or folders given";
            return false;
        }

        return true;
    }

    private static async Task<int> UsageAsync(TextWriter error, string problem)
    {
        await error.WriteLineAsync($"neuralsec policy: {problem}").ConfigureAwait(false);
        await error.WriteLineAsync(UsageText).ConfigureAwait(false);
        return UsageError;
    }
}
