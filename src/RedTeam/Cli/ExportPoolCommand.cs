using NeuralSec.Detectors.Images;
using NeuralSec.Data;
using NeuralSec.RedTeam.Evaluation;

namespace NeuralSec.RedTeam.Cli;

/// <summary><c>export-pool</c>: STRIP's overlay pool as the policy's <c>pool:</c> file reference loads it.</summary>
internal static class ExportPoolCommand
{
    public static int Run(string[] args, TextWriter stdout)
    {
        var a = CommandArgs.Parse(args, ["out", "size", "data"]);
        var size = a.GetInt("size", StripPool.CommittedSize, 1, MnistDataset.StripPoolSize);
        var data = EvaluationData.Load(a.Get("data"), EvaluationData.HalfSize, 1).Dataset;
        var output = a.Get("out") ?? StripPool.CommittedPath(RepositoryPaths.ModelRepository());
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
