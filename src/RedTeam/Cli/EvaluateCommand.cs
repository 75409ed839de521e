using System.Diagnostics;
using System.Runtime.InteropServices;
using NeuralSec.Data;
using NeuralSec.RedTeam.Attacks;
using NeuralSec.RedTeam.Evaluation;
using NeuralSec.RedTeam.Models;
using NeuralSec.RedTeam.Report;

namespace NeuralSec.RedTeam.Cli;

/// <summary><c>evaluate</c>: runs every measurement of issue #6 once and writes the markdown report.</summary>
internal static class EvaluateCommand
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var a = CommandArgs.Parse(args, ["out", "seed", "count", "adaptive-count", "eot", "detector-attack-count", "strip-samples", "data", "models"]);
        var seed = a.GetInt("seed", 1, 0, int.MaxValue);
        var count = a.GetInt("count", EvaluationData.HalfSize, 20, EvaluationData.HalfSize);
        var adaptiveCount = a.GetInt("adaptive-count", 500, 1, EvaluationData.HalfSize);
        var eot = a.GetInt("eot", 10, 1, 100);
        var adaptiveDetectorCount = a.GetInt("detector-attack-count", 500, 1, EvaluationData.HalfSize);
        var stripSamples = a.GetInt("strip-samples", 100, 1, 1000);
        var output = a.Get("out") ?? Path.Combine(RepositoryPaths.Root(), "docs", "evaluation.md");

        var progress = new Progress(stderr);
        var data = EvaluationData.Load(a.Get("data"), count, seed);
        var models = new FixtureModels(a.Get("models"));
        string[] names = [FixtureModels.Classifier, FixtureModels.Autoencoder, FixtureModels.Adversarial, FixtureModels.Distilled, FixtureModels.Backdoor];
        foreach (var name in names)
        {
            models.Get(name);
        }

        progress.Begin("attacks on mnist (FGSM/PGD-40 × untargeted/targeted × ε)");
        var grid = DetectionGridAttacks.Craft(data, models, seed, progress);
        progress.Begin("detector scores (benign halves + successful AEs)");
        var detection = DetectionEvaluation.RunAsync(data, models, grid, progress, CancellationToken.None).GetAwaiter().GetResult();
        progress.Begin("purification chains, robust fixtures, BPDA/EOT");
        var purification = PurificationEvaluation.Run(data, models, grid, adaptiveCount, eot, seed, progress);
        progress.Begin("adaptive attack against featureSqueezing");
        var adaptive = AdaptiveDetectorEvaluation.RunAsync(data, models, detection, adaptiveDetectorCount, progress, CancellationToken.None).GetAwaiter().GetResult();
        progress.Begin("STRIP on mnist-backdoor");
        // The committed 100-digit pool, and the whole 500-digit StripPool for comparison.
        var strip = new[] { StripPool.CommittedSize, MnistDataset.StripPoolSize }
            .Select(size => StripEvaluation.RunAsync(data, models, size, stripSamples, seed, progress, CancellationToken.None).GetAwaiter().GetResult())
            .ToArray();
        progress.End();

        using var process = Process.GetCurrentProcess();
        var command = "dotnet run -c Release --project src/RedTeam -- evaluate " + string.Join(' ', args);
        var run = new RunInfo
        {
            Command = command.TrimEnd(),
            Seed = seed,
            Count = count,
            Models = names.Select(n => (n, models.Sha256(n))).ToArray(),
            Machine = $"{Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}, {RuntimeInformation.FrameworkDescription}, CPU only",
            Sections = progress.Sections,
            Total = DateTime.Now - process.StartTime,
        };
        var report = EvaluationReport.Render(run, detection, purification, strip, adaptive);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        File.WriteAllText(output, report);
        stdout.WriteLine($"wrote {output} ({run.Total.TotalSeconds:F0} s)");
        return 0;
    }
}
