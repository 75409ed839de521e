using System.CommandLine;
using System.CommandLine.Parsing;
using NeuralSec.CommandLine;
using NeuralSec.Gateway.Backends.OnnxRuntime;
using NeuralSec.Policy.Schema;
using NeuralSec.Policy.Validation;

namespace NeuralSec.Gateway.Policy.Cli;

/// <summary>
/// <c>neuralsec policy …</c>: offline checks for the ops repository's CI, with the runtime's own validator and
/// messages. Exit codes: 0 valid, 1 invalid, 2 usage error.
/// </summary>
internal static class PolicyCommand
{
    public const int Valid = ExitCodes.Success;
    public const int Invalid = ExitCodes.Failure;
    public const int UsageError = ExitCodes.UsageError;

    private const string ExitCodeText = "0 valid, 1 invalid (errors as file:line:column), 2 usage error";

    /// <summary><c>neuralsec policy</c> with its writers passed in, so tests need not swap the process's console.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
        => NeuralsecCommandLine.RunAsync(["policy", .. args], output, error, CancellationToken.None);

    public static Command Create()
    {
        var policy = new Command("policy", "Check policy files offline, explain one, print the JSON Schema");
        policy.Subcommands.Add(ValidateCommand());
        policy.Subcommands.Add(ExplainCommand());
        policy.Subcommands.Add(SchemaCommand());
        return policy.WithExitCodes(ExitCodeText);
    }

    private static Command ValidateCommand()
    {
        var repository = ModelRepositoryOption();
        var paths = new Argument<string[]>("path")
        {
            Arity = ArgumentArity.OneOrMore,
            Description = "policy files (*.yaml) or folders of them",
        };
        paths.Validators.Add(MustExist);
        var validate = new Command("validate", "Check policy files with the sidecar's own validator; print file:line:column: error: message (hint)")
        {
            repository,
            paths,
        };
        validate.SetAction(parseResult => ValidateAsync(Validator(parseResult.GetValue(repository)), parseResult.GetRequiredValue(paths), parseResult.InvocationConfiguration.Output));
        return validate.WithHelpNotes("""
            A folder is checked as one policy set, as the sidecar loads it (unique names, one policy per model and
            client group, one default); the files named one by one form one more set. File references resolve next to
            the policy, then in the model repository.
            """);
    }

    private static Command ExplainCommand()
    {
        var repository = ModelRepositoryOption();
        var file = new Argument<string>("file") { Description = "one policy file" };
        file.Validators.Add(result =>
        {
            var path = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (!File.Exists(path))
            {
                result.AddError(Directory.Exists(path) ? "'explain' takes exactly one policy file, not a folder" : $"'{path}' does not exist");
            }
        });
        var explain = new Command("explain", "Say in plain words what one policy does") { repository, file };
        explain.SetAction(parseResult => ExplainAsync(Validator(parseResult.GetValue(repository)), parseResult.GetRequiredValue(file), parseResult.InvocationConfiguration.Output));
        return explain;
    }

    private static Command SchemaCommand()
    {
        var schema = new Command("schema", "Print the policies' JSON Schema for editors (policies/schema/firewallpolicy.schema.json)");
        schema.SetAction(async parseResult =>
        {
            await parseResult.InvocationConfiguration.Output.WriteAsync(PolicySchemaGenerator.Generate()).ConfigureAwait(false);
            return Valid;
        });
        return schema;
    }

    private static Option<string> ModelRepositoryOption()
    {
        var option = new Option<string>("--model-repository")
        {
            Description = "<model>/<version>/model.onnx folders that file references resolve against (default: the nearest models/repository above the current folder)",
            HelpName = "DIR",
        };
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && !Directory.Exists(result.Tokens[0].Value))
            {
                result.AddError("--model-repository needs an existing folder");
            }
        });
        return option;
    }

    private static void MustExist(ArgumentResult result)
    {
        if (result.Tokens.FirstOrDefault(t => !File.Exists(t.Value) && !Directory.Exists(t.Value)) is { } missing)
        {
            result.AddError($"'{missing.Value}' does not exist");
        }
    }

    private static PolicyValidator Validator(string? modelRepository) =>
        new(modelRepository: NeuralSec.Data.RepositoryPaths.LocateModelRepository(modelRepository));

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
}
