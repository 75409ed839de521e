using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json;
using NeuralSec.CommandLine;
using NeuralSec.Data;
using NeuralSec.RedTeam.Stream;

namespace NeuralSec.RedTeam.Cli;

/// <summary><c>stream</c>: the simulation of benign clients and stream attackers through a real sidecar
/// process on loopback; writes a JSON of every result and, when asked, the markdown tables.</summary>
internal static class StreamCommand
{
    public static Command Create()
    {
        var seed = RedTeamCli.SeedOption();
        var maxDuration = Values.Integer("--max-duration", "wall-clock bound in seconds; phases not begun by then are skipped and the results say so", 1_200, 10, 7_200);
        var quick = new Option<bool>("--quick") { Description = "small counts (a smoke run of about a minute)" };
        var policies = new Option<string>("--policies") { Description = "a policy folder for every phase (default: policies/mnist.yaml plus a spec.extraction block, as 'full' and 'hardened' output variants)", HelpName = "DIR" };
        var neuralsec = new Option<string>("--neuralsec") { Description = "the sidecar binary (neuralsec.dll or a native neuralsec; default: src/Gateway's Release build, built when missing)", HelpName = "PATH" };
        var json = new Option<string>("--json") { Description = "the JSON results to write (default: artifacts/stream-results.json; --json docs/extraction-results.json updates the committed results)", HelpName = "FILE" };
        var markdown = new Option<string>("--markdown") { Description = "also write the markdown tables here", HelpName = "FILE" };
        var budgets = new Option<string>("--coverage-budgets")
        {
            Description = "queryCoverage budgets to sweep, a phase each (the benign population, then a longer Knockoff-random): 'none' or novelty-weighted queries per hour separated by commas (default: 500,1000,2000,5000; none with --quick or --policies)",
            HelpName = "LIST",
            CustomParser = CheckBudgets,
        };
        var evasionDigits = Values.Integer("--evasion-digits", $"the test-split index of the first digit the evasion attacks work on, the others {StreamSettings.EvasionDigitStride} apart (the seed does not change them)", StreamSettings.DefaultEvasionFirstDigit, 1_000, 9_800);
        var data = RedTeamCli.DataOption();
        var models = RedTeamCli.ModelsOption();
        var command = new Command("stream", "Simulate benign clients and stream attackers (extraction, query-based evasion, an adaptive attacker) through a real sidecar on loopback")
        {
            seed, maxDuration, quick, policies, neuralsec, json, markdown, budgets, evasionDigits, data, models,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(budgets) is { Implicit: false } && result.GetValue(policies) is not null && ParseBudgets(result.GetValue(budgets)!) is { Length: > 0 })
            {
                result.AddError("--coverage-budgets adapts the shipped policy's queryCoverage entry: it cannot be combined with --policies");
            }
        });
        command.SetAction(parseResult =>
        {
            var settings = new StreamSettings
            {
                Seed = parseResult.GetValue(seed),
                MaxDuration = TimeSpan.FromSeconds(parseResult.GetValue(maxDuration)),
                Quick = parseResult.GetValue(quick),
                Policies = parseResult.GetValue(policies),
                Neuralsec = parseResult.GetValue(neuralsec),
                Data = parseResult.GetValue(data),
                Models = parseResult.GetValue(models),
                // Out of the tracked docs by default, as evaluate's report: a trial run must not replace committed results.
                Json = parseResult.GetValue(json) ?? RepositoryPaths.Artifacts("stream-results.json"),
                Markdown = parseResult.GetValue(markdown),
                EvasionFirstDigit = parseResult.GetValue(evasionDigits),
                CoverageBudgets = parseResult.GetValue(budgets) is { } list
                    ? ParseBudgets(list)!
                    : parseResult.GetValue(quick) || parseResult.GetValue(policies) is not null ? [] : DefaultBudgets,
                Arguments = string.Join(' ', parseResult.Tokens.SkipWhile(t => t.Type != TokenType.Command || t.Value != "stream").Skip(1).Select(t => t.Value)),
            };
            return Run(settings, parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error);
        });
        return command;
    }

    private static readonly int[] DefaultBudgets = [500, 1_000, 2_000, 5_000];

    private static string CheckBudgets(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
        if (ParseBudgets(text) is null)
        {
            result.AddError($"--coverage-budgets must be 'none' or distinct budgets in [1, 1000000] separated by commas, got '{text}'");
        }

        return text;
    }

    /// <summary>The budgets of <paramref name="text"/>, or null when it is not a valid list.</summary>
    private static int[]? ParseBudgets(string text) => Values.IntegerList(text, 1, 1_000_000, distinct: true);

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private static int Run(StreamSettings settings, TextWriter stdout, TextWriter stderr)
    {
        if (settings.Policies is { } dir && !Directory.Exists(dir))
        {
            throw new RedTeamException($"policy folder not found: {dir}");
        }

        if (settings.Neuralsec is { } binary && !File.Exists(binary))
        {
            throw new RedTeamException($"sidecar binary not found: {binary}");
        }

        _ = RepositoryPaths.Root();
        var results = StreamSimulation.RunAsync(settings, stderr).GetAwaiter().GetResult();
        WriteFile(settings.Json, JsonSerializer.Serialize(results, JsonOptions));
        stdout.WriteLine($"wrote {settings.Json} ({results.WallSeconds:F0} s)");
        if (settings.Markdown is { } md)
        {
            WriteFile(md, StreamReport.Render(results));
            stdout.WriteLine($"wrote {md}");
        }

        return 0;
    }

    private static void WriteFile(string path, string text)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        File.WriteAllText(path, text);
    }
}
