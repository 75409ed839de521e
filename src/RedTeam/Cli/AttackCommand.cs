using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json;
using NeuralSec.CommandLine;
using NeuralSec.Data;
using NeuralSec.RedTeam.Live;
using NeuralSec.RedTeam.Report;

namespace NeuralSec.RedTeam.Cli;

/// <summary><c>attack</c>: the red team against a live sidecar through its public gRPC API — one it starts on
/// loopback, or a running one (<c>--target</c>) — and the report: README.md, results.json and figures.</summary>
internal static class AttackCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static Command Create()
    {
        var seed = RedTeamCli.SeedOption();
        var quick = new Option<bool>("--quick") { Description = "small counts: a few minutes against a sidecar it starts (CI)" };
        var attacks = new Option<string[]>("--attacks")
        {
            Description = $"comma-separated attacks to run (default: all): {string.Join(", ", AttackCatalog.Names)}",
            HelpName = "LIST",
            CustomParser = ParseAttacks,
        };
        var target = new Option<string>("--target") { Description = "a running sidecar's gRPC address, http://host:port or https://host:port (default: start one on loopback)", HelpName = "URL" };
        var apiKeys = new Option<string[]>("--api-key") { Description = "an API key of the target for the defended side (repeat for a Sybil attacker's accounts)", HelpName = "KEY", AllowMultipleArgumentsPerToken = false };
        var baselineKey = new Option<string>("--baseline-api-key") { Description = "an API key of the target whose policy is a pass-through: the undefended baseline column", HelpName = "KEY" };
        var ca = new Option<string>("--ca") { Description = "PEM file of the CA that signed an https target's certificate", HelpName = "FILE" };
        var alerts = new Option<string>("--alerts") { Description = "the target's JSON-lines alert file, when readable here: flags, queries until detection and monitor-mode figures", HelpName = "FILE" };
        var model = new Option<string>("--model") { Description = "the model to attack", HelpName = "NAME", DefaultValueFactory = _ => "mnist" };
        var policies = new Option<string>("--policies") { Description = "the defended policy folder: what a started sidecar runs, and what the adaptive attacker reads (default: policies/mnist.yaml)", HelpName = "DIR" };
        var neuralsec = new Option<string>("--neuralsec") { Description = "the sidecar binary (neuralsec.dll or a native neuralsec; default: src/Gateway's Release build, built when missing)", HelpName = "PATH" };
        var output = new Option<string>("--out") { Description = "the report folder (default: artifacts/redteam; --out docs/redteam replaces the committed report)", HelpName = "DIR" };
        var fromResults = new Option<string>("--from-results") { Description = "attack nothing: write the report and figures again from a results.json of an earlier run (into --out)", HelpName = "FILE" };
        var maxDuration = Values.Integer("--max-duration", "wall-clock bound in seconds; attacks not begun by then are skipped and the report says so", 3_600, 10, 14_400);
        var data = RedTeamCli.DataOption();
        var models = RedTeamCli.ModelsOption();
        var command = new Command("attack", "Red team a live sidecar through its public gRPC API: transfer, score- and decision-based, physical-world, adaptive and extraction attacks, against an undefended baseline, the defended policy and the training-time fixtures")
        {
            seed, quick, attacks, target, apiKeys, baselineKey, ca, alerts, model, policies, neuralsec, output, fromResults, maxDuration, data, models,
        };
        command.Validators.Add(result =>
        {
            var hasTarget = result.GetResult(target) is not null;
            if (!hasTarget && (result.GetResult(apiKeys) is not null || result.GetResult(baselineKey) is not null || result.GetResult(ca) is not null || result.GetResult(alerts) is not null))
            {
                result.AddError("--api-key, --baseline-api-key, --ca and --alerts are for a running --target; a started sidecar gets keys of its own");
            }

            if (hasTarget && result.GetResult(neuralsec) is not null)
            {
                result.AddError("--neuralsec starts a sidecar; it cannot be used with --target");
            }

            if (result.GetValue(target) is { } t && !(Uri.TryCreate(t, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            {
                result.AddError($"--target must be http://host:port or https://host:port, not '{t}'");
            }
        });
        command.SetAction(parseResult =>
        {
            if (parseResult.GetValue(fromResults) is { } file)
            {
                return Render(file, parseResult.GetValue(output) ?? RepositoryPaths.Artifacts("redteam"), parseResult.InvocationConfiguration.Output);
            }

            var chosen = parseResult.GetValue(attacks);
            var settings = new LiveSettings
            {
                Seed = parseResult.GetValue(seed),
                Quick = parseResult.GetValue(quick),
                Attacks = chosen is { Length: > 0 } ? AttackCatalog.Names.Where(chosen.Contains).ToArray() : AttackCatalog.Names,
                Target = parseResult.GetValue(target) is { } t ? new Uri(t) : null,
                ApiKeys = parseResult.GetValue(apiKeys) ?? [],
                BaselineApiKey = parseResult.GetValue(baselineKey),
                CaFile = parseResult.GetValue(ca),
                AlertFile = parseResult.GetValue(alerts),
                Model = parseResult.GetValue(model) ?? "mnist",
                Policies = parseResult.GetValue(policies),
                Neuralsec = parseResult.GetValue(neuralsec),
                Data = parseResult.GetValue(data),
                Models = parseResult.GetValue(models),
                Out = parseResult.GetValue(output) ?? RepositoryPaths.Artifacts("redteam"),
                MaxDuration = TimeSpan.FromSeconds(parseResult.GetValue(maxDuration)),
                Arguments = string.Join(' ', parseResult.Tokens.SkipWhile(t => t.Type != TokenType.Command || t.Value != "attack").Skip(1).Select(t => t.Value)),
            };
            return Run(settings, parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error);
        });
        return command;
    }

    private static string[] ParseAttacks(ArgumentResult result)
    {
        var names = result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
        foreach (var name in names)
        {
            if (!AttackCatalog.Names.Contains(name))
            {
                var near = AttackCatalog.Names.FirstOrDefault(n => n.StartsWith(name, StringComparison.OrdinalIgnoreCase) || name.StartsWith(n, StringComparison.OrdinalIgnoreCase));
                result.AddError($"unknown attack '{name}'{(near is null ? string.Empty : $" (did you mean '{near}'?)")}; --attacks takes {Values.Alternatives(AttackCatalog.Names)}");
                return [];
            }
        }

        if (names.Length == 0)
        {
            result.AddError("--attacks needs at least one attack name");
        }

        return names;
    }

    private static int Run(LiveSettings settings, TextWriter stdout, TextWriter stderr)
    {
        if (settings.Policies is { } dir && !Directory.Exists(dir))
        {
            throw new RedTeamException($"policy folder not found: {dir}");
        }

        foreach (var (file, option) in new[] { (settings.Neuralsec, "--neuralsec"), (settings.CaFile, "--ca") })
        {
            if (file is not null && !File.Exists(file))
            {
                throw new RedTeamException($"{option}: file not found: {file}");
            }
        }

        if (settings.Target is not null && settings.ApiKeys.Count == 0)
        {
            throw new RedTeamException("--target needs --api-key KEY for the defended side (the key a client of the policy under test uses)");
        }

        _ = RepositoryPaths.Root();
        var results = LiveRedTeam.RunAsync(settings, stderr).GetAwaiter().GetResult();
        Directory.CreateDirectory(settings.Out);
        File.WriteAllText(Path.Combine(settings.Out, "results.json"), JsonSerializer.Serialize(results, JsonOptions));
        Write(results, settings.Out, stdout);
        return 0;
    }

    private static int Render(string file, string folder, TextWriter stdout)
    {
        LiveResults results;
        try
        {
            results = JsonSerializer.Deserialize<LiveResults>(File.ReadAllText(file), JsonOptions) ?? throw new RedTeamException($"{file}: empty");
        }
        catch (JsonException e)
        {
            throw new RedTeamException($"{file} is not a results.json of neuralsec-redteam attack: {e.Message}", e);
        }

        Directory.CreateDirectory(folder);
        if (!string.Equals(Path.GetFullPath(Path.Combine(folder, "results.json")), Path.GetFullPath(file), StringComparison.Ordinal))
        {
            File.Copy(file, Path.Combine(folder, "results.json"), overwrite: true);
        }

        Write(results, folder, stdout);
        return 0;
    }

    private static void Write(LiveResults results, string folder, TextWriter stdout)
    {
        var figures = RedTeamCharts.Save(results, folder);
        File.WriteAllText(Path.Combine(folder, "README.md"), RedTeamReport.Render(results, figures));
        stdout.WriteLine($"wrote {Path.Combine(folder, "README.md")}, results.json and {figures.Count} figures ({results.WallSeconds:F0} s of attacks)");
    }
}
