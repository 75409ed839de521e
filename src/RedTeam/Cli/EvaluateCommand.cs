using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Runtime.InteropServices;
using NeuralSec.CommandLine;
using NeuralSec.Data;
using NeuralSec.RedTeam.Attacks;
using NeuralSec.RedTeam.Evaluation;
using NeuralSec.RedTeam.Models;
using NeuralSec.RedTeam.Report;

namespace NeuralSec.RedTeam.Cli;

/// <summary><c>evaluate</c>: runs every measurement of the evaluation once and writes the markdown report.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "the markdown report to write (default: artifacts/evaluation.md; --out docs/evaluation.md updates the committed report)", HelpName = "FILE" };
        var seed = RedTeamCli.SeedOption();
        var count = Values.Integer("--count", "digits per test half (calibration and evaluation)", EvaluationData.HalfSize, 20, EvaluationData.HalfSize);
        var adaptiveCount = Values.Integer("--adaptive-count", "digits for the BPDA/EOT attacks on purification", 500, 1, EvaluationData.HalfSize);
        var eot = Values.Integer("--eot", "expectation-over-transformation samples per step", 10, 1, 100);
        var detectorAttackCount = Values.Integer("--detector-attack-count", "digits for the adaptive attack on featureSqueezing", 500, 1, EvaluationData.HalfSize);
        var jointCount = Values.Integer("--joint-count", "digits for the fully adaptive attacker against the graded answer rules", 200, 1, EvaluationData.HalfSize);
        var stripSamples = Values.Integer("--strip-samples", "STRIP overlays per input", 100, 1, 1000);
        var stripOnly = new Option<bool>("--strip-only") { Description = "measure only §3 (STRIP on mnist-backdoor) and write just that section (default: artifacts/evaluation-strip.md); never over the committed report" };
        var data = RedTeamCli.DataOption();
        var models = RedTeamCli.ModelsOption();
        var command = new Command("evaluate", "Measure detectors, purification and STRIP on the committed fixtures; write the markdown report")
        {
            output, seed, count, adaptiveCount, eot, detectorAttackCount, jointCount, stripSamples, stripOnly, data, models,
        };
        command.SetAction(parseResult => Run(
            new Settings(
                parseResult.GetValue(output),
                parseResult.GetValue(seed),
                parseResult.GetValue(count),
                parseResult.GetValue(adaptiveCount),
                parseResult.GetValue(eot),
                parseResult.GetValue(detectorAttackCount),
                parseResult.GetValue(jointCount),
                parseResult.GetValue(stripSamples),
                parseResult.GetValue(stripOnly),
                parseResult.GetValue(data),
                parseResult.GetValue(models),
                Arguments(parseResult)),
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>The words after <c>evaluate</c>, for the report's reproduction command.</summary>
    private static string Arguments(ParseResult parseResult) => string.Join(' ', parseResult.Tokens
        .SkipWhile(t => t.Type != TokenType.Command || t.Value != "evaluate")
        .Skip(1)
        .Select(t => t.Value));

    private static int Run(Settings a, TextWriter stdout, TextWriter stderr)
    {
        if (a.StripOnly)
        {
            return RunStripOnly(a, stdout);
        }

        var (seed, count, adaptiveCount, eot, adaptiveDetectorCount, stripSamples) = (a.Seed, a.Count, a.AdaptiveCount, a.Eot, a.DetectorAttackCount, a.StripSamples);
        // The default stays out of the tracked docs: a trial run (another seed, fewer digits) must not overwrite the
        // committed report; updating it is an explicit --out docs/evaluation.md.
        var output = a.Out ?? RepositoryPaths.Artifacts("evaluation.md");

        var progress = new Progress(stderr);
        var data = EvaluationData.Load(a.Data, count, seed);
        var models = new FixtureModels(a.Models);
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
        progress.Begin("graded answers against the fully adaptive attacker");
        var graded = GradedResponseEvaluation.RunAsync(data, models, detection, a.JointCount, progress, CancellationToken.None).GetAwaiter().GetResult();
        progress.Begin("STRIP on mnist-backdoor");
        var strip = Strip(data, models, stripSamples, seed, progress);
        progress.End();

        using var process = Process.GetCurrentProcess();
        var command = "dotnet run -c Release --project src/RedTeam -- evaluate " + a.Arguments;
        var run = new RunInfo
        {
            Command = command.TrimEnd(),
            Seed = seed,
            Count = count,
            Models = names.Select(n => (n, models.Sha256(n))).ToArray(),
            Machine = $"{Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}, {RuntimeInformation.FrameworkDescription}, CPU only",
            Sections = progress.Sections,
            Total = TimeProvider.System.GetLocalNow().DateTime - process.StartTime, // the process start is local time
        };
        var report = EvaluationReport.Render(run, detection, purification, strip, adaptive, graded);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        File.WriteAllText(output, report);
        stdout.WriteLine($"wrote {output} ({run.Total.TotalSeconds:F0} s)");
        return 0;
    }

    /// <summary>§3 alone, for a rerun after STRIP or the backdoored twin changed: a partial report must never replace the
    /// committed one, so docs/evaluation.md is refused as its output.</summary>
    private static int RunStripOnly(Settings a, TextWriter stdout)
    {
        var output = a.Out ?? RepositoryPaths.Artifacts("evaluation-strip.md");
        if (string.Equals(Path.GetFullPath(output), Path.GetFullPath(Path.Combine(RepositoryPaths.Root(), "docs", "evaluation.md")), StringComparison.Ordinal))
        {
            throw new RedTeamException($"--strip-only writes §3 alone; it must not replace the whole report {output} (choose another --out)");
        }

        var progress = new Progress(TextWriter.Null);
        var data = EvaluationData.Load(a.Data, a.Count, a.Seed);
        var models = new FixtureModels(a.Models);
        var strip = Strip(data, models, a.StripSamples, a.Seed, progress);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        File.WriteAllText(output, EvaluationReport.RenderStrip(strip));
        stdout.WriteLine($"wrote {output} ({progress.Elapsed.TotalSeconds:F0} s)");
        return 0;
    }

    /// <summary>The reference blend (unclipped, the detector's default) and the fixed one (<c>clip: true</c>, as the example
    /// policy), each on the committed 100-digit pool and on the whole 500-digit StripPool for comparison.</summary>
    private static List<StripResults> Strip(EvaluationData data, FixtureModels models, int samples, int seed, Progress progress)
    {
        var strip = new List<StripResults>();
        foreach (var clip in (bool[])[false, true])
        {
            foreach (var size in (int[])[StripPool.CommittedSize, MnistDataset.StripPoolSize])
            {
                strip.Add(StripEvaluation.RunAsync(data, models, size, samples, clip, seed, progress, CancellationToken.None).GetAwaiter().GetResult());
            }
        }

        return strip;
    }

    private sealed record Settings(string? Out, int Seed, int Count, int AdaptiveCount, int Eot, int DetectorAttackCount, int JointCount, int StripSamples, bool StripOnly, string? Data, string? Models, string Arguments);
}
