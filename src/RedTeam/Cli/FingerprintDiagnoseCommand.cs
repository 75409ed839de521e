using System.CommandLine;
using NeuralSec.CommandLine;
using NeuralSec.Data;
using NeuralSec.RedTeam.Fingerprints;

namespace NeuralSec.RedTeam.Cli;

/// <summary><c>fingerprint-diagnose</c>: whether the near-duplicate fingerprint, on the pixels or on a view meant to
/// resist the OARS-style disguise, still matches the adaptive attacker's transformed queries without matching benign
/// digits (offline, no sidecar), as a markdown table.</summary>
internal static class FingerprintDiagnoseCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "the markdown report to write (default: artifacts/fingerprint-diagnosis.md)", HelpName = "FILE" };
        var seed = RedTeamCli.SeedOption();
        var pairs = Values.Integer("--pairs", "copy pairs per column and benign digits matched against the pool", 500, 20, 10_000);
        var pool = Values.Integer("--pool", "natural test digits in the benign pool", 2_000, 100, 10_000);
        var data = RedTeamCli.DataOption();
        var command = new Command("fingerprint-diagnose", "Measure whether near-duplicate fingerprints (pixels, blurred, centre-of-mass aligned, upright) still match an attacker that transforms every query, and how often benign digits match by chance; write a markdown table")
        {
            output, seed, pairs, pool, data,
        };
        command.SetAction(parseResult =>
        {
            var outPath = parseResult.GetValue(output) ?? RepositoryPaths.Artifacts("fingerprint-diagnosis.md");
            var n = parseResult.GetValue(pairs);
            var poolSize = parseResult.GetValue(pool);
            if (n > poolSize)
            {
                throw new RedTeamException($"--pairs ({n}) may not exceed --pool ({poolSize}): each benign digit is matched against the others of the pool");
            }

            MnistDataset dataset;
            try
            {
                dataset = MnistDataset.Load(parseResult.GetValue(data));
            }
            catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
            {
                throw new RedTeamException(e.Message, e);
            }

            var rows = FingerprintDiagnosis.Run(dataset.Test.Slice(0, Math.Min(poolSize, dataset.Test.Count)), n, parseResult.GetValue(seed));
            var line = $"dotnet run -c Release --project src/RedTeam -- fingerprint-diagnose --seed {parseResult.GetValue(seed)} --pairs {n} --pool {poolSize}";
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
            File.WriteAllText(outPath, FingerprintReport.Render(rows, line, n));
            parseResult.InvocationConfiguration.Output.WriteLine($"wrote {outPath}");
            return 0;
        });
        return command;
    }
}
