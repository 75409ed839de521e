using NeuralSec.Lab.Attacks;
using NeuralSec.Data;
using NeuralSec.Lab.Training;

namespace NeuralSec.Lab.Cli;

internal static class AttackCommand
{
    public static int Run(string[] args, TextWriter stdout)
    {
        var a = ParsedArgs.Parse(args, ["model", "name", "out", "count", "eps", "steps", "seed", "data"]);
        if (a.Positional.Count > 0)
        {
            throw new UsageException($"unexpected argument '{a.Positional[0]}'");
        }

        var name = a.Get("name") ?? (a.Get("model") is { } m ? Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(m)))) ?? "model" : "mnist");
        var modelPath = a.Get("model") ?? RepositoryPaths.ModelFile("mnist");
        var net = ModelLoader.LoadMnistModel(modelPath);
        if (!ModelLoader.IsClassifier(net))
        {
            throw new LabException($"{modelPath}: attacks need a classifier with 10 logits");
        }

        var test = MnistDataset.Load(a.Get("data")).Test;
        var outDir = a.Get("out") ?? RepositoryPaths.Artifacts("adversarial");
        var steps = a.GetInt("steps", 40);
        if (steps < 1)
        {
            throw new UsageException("--steps must be at least 1");
        }

        var eps = a.GetFloats("eps", ModelZoo.ReportEpsilons);
        if (eps.Any(e => e <= 0 || e > 1))
        {
            throw new UsageException("--eps values must be in (0,1]");
        }

        foreach (var (path, set) in AdversarialSetBuilder.Build(net, name, modelPath, test, a.GetInt("count", 500), eps, steps, a.GetInt("seed", 1), outDir))
        {
            var success = Enumerable.Range(0, set.Count).Count(set.Succeeded) / (double)set.Count;
            stdout.WriteLine($"{path}: {set.Count} digits, attack success {success:P1}");
        }

        return 0;
    }
}
