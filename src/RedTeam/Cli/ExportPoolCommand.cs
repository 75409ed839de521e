using System.CommandLine;
using NeuralSec.CommandLine;
using NeuralSec.Data;
using NeuralSec.Detectors.Images;
using NeuralSec.RedTeam.Evaluation;

namespace NeuralSec.RedTeam.Cli;

/// <summary><c>export-pool</c>: STRIP's overlay pool as the policy's <c>pool:</c> file reference loads it.</summary>
internal static class ExportPoolCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "the pool file (default: models/repository/mnist-backdoor/strip-pool.nsimg.gz)", HelpName = "FILE" };
        var size = Values.Integer("--size", "clean digits in the pool", StripPool.CommittedSize, 1, MnistDataset.StripPoolSize);
        var data = RedTeamCli.DataOption();
        var command = new Command("export-pool", "Write STRIP's clean overlay pool (NSIMAGE1)") { output, size, data };
        command.SetAction(parseResult => Run(parseResult.GetValue(output), parseResult.GetValue(size), parseResult.GetValue(data), parseResult.InvocationConfiguration.Output));
        return command;
    }

    private static int Run(string? path, int size, string? dataFile, TextWriter stdout)
    {
        var data = EvaluationData.Load(dataFile, EvaluationData.HalfSize, 1).Dataset;
        var output = path ?? StripPool.CommittedPath(RepositoryPaths.ModelRepository());
        var pool = StripPool.FromDataset(data, size);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        using (var file = File.Create(output))
        {
            // uint8 is lossless here: the fixture stores digits as bytes (value/255).
            ImageSetFormat.Write(file, pool);
        }

        stdout.WriteLine($"wrote {output}: {size} clean digits (train indices {data.Train.Count - MnistDataset.StripPoolSize}–{data.Train.Count - MnistDataset.StripPoolSize + size - 1}), NSIMAGE1, {new FileInfo(output).Length:N0} bytes");
        return 0;
    }
}
