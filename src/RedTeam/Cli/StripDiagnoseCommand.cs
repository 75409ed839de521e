using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using NeuralSec.CommandLine;
using NeuralSec.Data;
using NeuralSec.RedTeam.Evaluation;
using NeuralSec.RedTeam.Models;
using NeuralSec.RedTeam.Report;

namespace NeuralSec.RedTeam.Cli;

/// <summary><c>strip-diagnose</c>: why STRIP's FAR on the backdoored fixture is what it is (blending rules, pools, N,
/// temperature, the classes that set the threshold and those that escape it), as a markdown report.</summary>
internal static class StripDiagnoseCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "the markdown report to write (default: artifacts/strip-diagnosis.md)", HelpName = "FILE" };
        var seed = RedTeamCli.SeedOption();
        var count = Values.Integer("--count", "digits per test half (calibration and evaluation)", EvaluationData.HalfSize, 20, EvaluationData.HalfSize);
        var samples = Values.Integer("--samples", "STRIP overlays per input of the main rows", 100, 1, 1000);
        var sweep = new Option<string>("--sweep")
        {
            Description = "further N for the clipped rule on the committed pool, comma-separated, or 'none'",
            HelpName = "N,N",
            DefaultValueFactory = _ => "50,200",
            CustomParser = CheckSweep,
        };
        var data = RedTeamCli.DataOption();
        var models = RedTeamCli.ModelsOption();
        var command = new Command("strip-diagnose", "Explain STRIP's rates on mnist-backdoor (blending rule, pool, N, temperature, per-class tails); write a markdown report. About 10 min on 2 idle cores at the defaults")
        {
            output, seed, count, samples, sweep, data, models,
        };
        command.SetAction(parseResult =>
        {
            var n = parseResult.GetValue(samples);
            var sweepText = parseResult.GetValue(sweep)!;
            var sweepValues = ParseSweep(sweepText)!;
            var outPath = parseResult.GetValue(output) ?? RepositoryPaths.Artifacts("strip-diagnosis.md");
            var progress = new Progress(parseResult.InvocationConfiguration.Error);
            var evaluation = EvaluationData.Load(parseResult.GetValue(data), parseResult.GetValue(count), parseResult.GetValue(seed));
            var fixtures = new FixtureModels(parseResult.GetValue(models));
            progress.Begin("STRIP diagnosis on mnist-backdoor");
            var variants = StripDiagnostics.DefaultVariants(evaluation.Dataset, n, sweepValues);
            var diagnosis = StripDiagnostics.Run(evaluation, fixtures, variants, n, parseResult.GetValue(seed), progress);
            progress.End();
            var line = $"dotnet run -c Release --project src/RedTeam -- strip-diagnose --seed {parseResult.GetValue(seed)} --count {parseResult.GetValue(count)} --samples {n} --sweep {sweepText}";
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
            File.WriteAllText(outPath, StripDiagnosisReport.Render(diagnosis, line));
            parseResult.InvocationConfiguration.Output.WriteLine($"wrote {outPath} ({progress.Elapsed.TotalSeconds:F0} s)");
            return 0;
        });
        return command;
    }

    private static string CheckSweep(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
        if (ParseSweep(text) is null)
        {
            result.AddError($"--sweep must be 'none' or overlay counts in [1, 1000] separated by commas, got '{text}'");
        }

        return text;
    }

    /// <summary>The overlay counts of <paramref name="text"/>, or null when it is not a valid list.</summary>
    private static int[]? ParseSweep(string text) => Values.IntegerList(text, 1, 1000);
}
