using System.Diagnostics;
using NeuralSec.Data;
using NeuralSec.Lab.Eval;
using NeuralSec.Lab.Training;

namespace NeuralSec.Lab.Cli;

internal static class TrainCommand
{
    public const int DefaultSeed = 1;

    public static int Run(string[] args, TextWriter stdout)
    {
        var a = ParsedArgs.Parse(args, ["seed", "out", "data"]);
        var which = a.Single("model name (all, " + string.Join(", ", ModelZoo.Names) + ")");
        var names = which == "all" ? ModelZoo.Names : [which];
        if (which != "all" && !ModelZoo.Names.Contains(which))
        {
            throw new UsageException($"unknown model '{which}'; expected all or one of: {string.Join(", ", ModelZoo.Names)}");
        }

        var seed = a.GetInt("seed", DefaultSeed);
        var outDir = a.Get("out") ?? RepositoryPaths.ModelRepository();
        var data = MnistDataset.Load(a.Get("data"));
        var command = "dotnet run -c Release --project src/Lab.Cli -- train all" + (seed == DefaultSeed ? string.Empty : $" --seed {seed}");
        void Log(string line)
        {
            stdout.WriteLine(line);
            stdout.Flush();
        }

        var zoo = new ModelZoo(data, seed, Log);
        if (!names.Contains("mnist") && names.Contains("mnist-backdoor"))
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
