using System.CommandLine;
using System.Diagnostics;
using NeuralSec.CommandLine;
using NeuralSec.Data;
using NeuralSec.Lab.Eval;
using NeuralSec.Lab.Training;
using NeuralSec.Text;

namespace NeuralSec.Lab.Cli;

internal static class TrainCommand
{
    public const int DefaultSeed = LabOptions.DefaultSeed;

    public static Command Create()
    {
        string[] choices = ["all", .. ModelZoo.Names];
        var which = new Argument<string>("all|name") { Description = $"all, or one of: {string.Join(", ", ModelZoo.Names)}" };
        which.CompletionSources.Add(choices);
        which.Validators.Add(result =>
        {
            var value = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (!choices.Contains(value))
            {
                result.AddError($"unknown model '{value}'; expected all or one of: {string.Join(", ", ModelZoo.Names)}{Suggestions.Hint(value, choices)}");
            }
        });
        var seed = LabOptions.Seed();
        var output = new Option<string>("--out") { Description = "model repository to write (default: models/repository of this checkout)", HelpName = "DIR" };
        var data = LabOptions.Data();
        var command = new Command("train", "Train, export and write the card of fixture models") { which, seed, output, data };
        command.SetAction(parseResult => Run(parseResult.GetRequiredValue(which), parseResult.GetValue(seed), parseResult.GetValue(output), parseResult.GetValue(data), parseResult.InvocationConfiguration.Output));
        return command;
    }

    private static int Run(string which, int seed, string? output, string? dataFile, TextWriter stdout)
    {
        var names = which == "all" ? ModelZoo.Names : [which];
        var outDir = output ?? RepositoryPaths.ModelRepository();
        var data = MnistDataset.Load(dataFile);
        var command = "dotnet run -c Release --project src/Lab.Cli -- train all" + (seed == DefaultSeed ? string.Empty : $" --seed {seed}");
        void Log(string line)
        {
            stdout.WriteLine(line);
            stdout.Flush();
        }

        var zoo = new ModelZoo(data, seed, Log);
        if (!names.Contains("mnist") && (names.Contains("mnist-backdoor") || names.Contains("mnist-adv")))
        {
            var baseline = Path.Combine(outDir, "mnist", "1", "model.onnx");
            if (File.Exists(baseline))
            {
                zoo.BaselineAccuracy = Metrics.Accuracy(ModelLoader.LoadMnistModel(baseline), data.Test);
            }
        }

        var total = Stopwatch.StartNew();
        var reports = new List<ModelReport>();
        foreach (var name in names)
        {
            var report = zoo.Build(name);
            reports.Add(report);
            var path = ModelCardWriter.Write(outDir, report, command);
            Log($"wrote {path} (train {report.TrainTime.TotalSeconds:F0} s, eval {report.EvalTime.TotalSeconds:F0} s)");
            foreach (var (metric, value) in report.Rows)
            {
                Log($"  {metric}: {value}");
            }
        }

        if (which == "all")
        {
            // Rewrite the cards now that the total is known; the model bytes (and so the sha256) do not change.
            foreach (var report in reports)
            {
                ModelCardWriter.Write(outDir, report, command, total.Elapsed);
            }
        }

        Log($"done in {total.Elapsed.TotalMinutes:F1} min");
        return 0;
    }
}
