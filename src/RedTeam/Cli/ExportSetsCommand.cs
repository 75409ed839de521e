using System.CommandLine;
using System.Text.Json;
using NeuralSec.CommandLine;
using NeuralSec.Data;
using NeuralSec.Detectors.Images;
using NeuralSec.RedTeam.Attacks;
using NeuralSec.RedTeam.Evaluation;
using NeuralSec.RedTeam.Models;

namespace NeuralSec.RedTeam.Cli;

/// <summary>
/// <c>export-sets</c>: calibration inputs for <c>neuralsec calibrate --benign FILE --adversarial FILE</c> — the two benign test
/// halves (NSIMAGE1, lossless for the byte-valued fixture) and the successful adversarial examples of each attack setting
/// (NSIMAGF1: float32, because 8 bits would round the perturbation away), plus a manifest.json describing each file.
/// </summary>
internal static class ExportSetsCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "the folder to write (default: artifacts/sets)", HelpName = "DIR" };
        var seed = RedTeamCli.SeedOption();
        var count = Values.Integer("--count", "digits per test half", EvaluationData.HalfSize, 10, EvaluationData.HalfSize);
        var data = RedTeamCli.DataOption();
        var models = RedTeamCli.ModelsOption();
        var command = new Command("export-sets", "Write benign halves (NSIMAGE1) and successful adversarial examples per attack and ε (NSIMAGF1) for 'neuralsec calibrate --benign FILE --adversarial FILE'")
        {
            output, seed, count, data, models,
        };
        command.SetAction(parseResult => Run(
            parseResult.GetValue(output),
            parseResult.GetValue(seed),
            parseResult.GetValue(count),
            parseResult.GetValue(data),
            parseResult.GetValue(models),
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error));
        return command;
    }

    private static int Run(string? folder, int seed, int count, string? dataFile, string? modelFolder, TextWriter stdout, TextWriter stderr)
    {
        var dir = folder ?? RepositoryPaths.Artifacts("sets");
        var data = EvaluationData.Load(dataFile, count, seed);
        var models = new FixtureModels(modelFolder);
        var progress = new Progress(stderr);
        Directory.CreateDirectory(dir);
        var manifest = new List<object>
        {
            Write(dir, "benign-calibration.nsimg.gz", data.Calibration.Images, exact: false, new { kind = "benign", test_indices = $"0-{count - 1}" }),
            Write(dir, "benign-evaluation.nsimg.gz", data.Evaluation.Images, exact: false, new { kind = "benign", test_indices = $"{EvaluationData.HalfSize}-{EvaluationData.HalfSize + count - 1}" }),
        };
        foreach (var batch in DetectionGridAttacks.Craft(data, models, seed, progress))
        {
            var s = batch.Spec;
            manifest.Add(Write(dir, $"adversarial-{s.Id}.nsimg.gz", batch.SuccessfulImages(), exact: true, new
            {
                kind = "adversarial",
                model = FixtureModels.Classifier,
                model_sha256 = models.Sha256(FixtureModels.Classifier),
                attack = s.Method,
                targeted = s.Targeted,
                epsilon = s.Epsilon,
                steps = s.Options(seed).Steps,
                step_size = s.Options(seed).Alpha,
                seed,
                from_test_indices = $"{EvaluationData.HalfSize}-{EvaluationData.HalfSize + count - 1}",
                attempted = batch.Count,
            }));
        }

        var json = JsonSerializer.Serialize(manifest, Indented);
        File.WriteAllText(Path.Combine(dir, "manifest.json"), json + "\n");
        stdout.WriteLine($"wrote {manifest.Count} image sets and manifest.json to {dir}");
        return 0;
    }

    private static Dictionary<string, object> Write(string dir, string name, float[] images, bool exact, object meta)
    {
        var count = images.Length / MnistSplit.Pixels;
        if (count == 0)
        {
            // An image set must hold at least one image; an attack that never succeeded has nothing to calibrate against.
            return new Dictionary<string, object> { ["file"] = name, ["count"] = 0, ["written"] = false, ["meta"] = meta };
        }

        using (var file = File.Create(Path.Combine(dir, name)))
        {
            ImageSetFormat.Write(file, new ImageBatch(images, count, 1, MnistSplit.Rows, MnistSplit.Cols), exact);
        }

        return new Dictionary<string, object> { ["file"] = name, ["format"] = exact ? "NSIMAGF1" : "NSIMAGE1", ["count"] = count, ["meta"] = meta };
    }
}
