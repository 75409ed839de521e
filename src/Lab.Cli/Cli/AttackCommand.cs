using System.CommandLine;
using NeuralSec.CommandLine;
using NeuralSec.Data;
using NeuralSec.Lab.Attacks;
using NeuralSec.Lab.Training;

namespace NeuralSec.Lab.Cli;

internal static class AttackCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "the classifier to attack (default: models/repository/mnist/1/model.onnx)", HelpName = "FILE" };
        var name = new Option<string>("--name") { Description = "name of the sets written (default: the model's folder name)", HelpName = "NAME" };
        var output = new Option<string>("--out") { Description = "folder to write the sets to (default: artifacts/adversarial)", HelpName = "DIR" };
        var count = Values.Integer("--count", "test digits to attack", 500, 1, int.MaxValue);
        var eps = LabOptions.Epsilons(e => e is > 0 and <= 1, "in (0,1]");
        var steps = LabOptions.Steps();
        var seed = LabOptions.Seed();
        var data = LabOptions.Data();
        var command = new Command("attack", "Write FGSM / PGD / targeted-PGD adversarial sets (default model: mnist)") { model, name, output, count, eps, steps, seed, data };
        command.SetAction(parseResult => Run(
            new Settings(
                parseResult.GetValue(model),
                parseResult.GetValue(name),
                parseResult.GetValue(output),
                parseResult.GetValue(count),
                parseResult.GetValue(eps) ?? ModelZoo.ReportEpsilons,
                parseResult.GetValue(steps),
                parseResult.GetValue(seed),
                parseResult.GetValue(data)),
            parseResult.InvocationConfiguration.Output));
        return command;
    }

    private static int Run(Settings a, TextWriter stdout)
    {
        var name = a.Name ?? (a.Model is { } m ? Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(m)))) ?? "model" : "mnist");
        var modelPath = a.Model ?? RepositoryPaths.ModelFile("mnist");
        var net = ModelLoader.LoadMnistModel(modelPath);
        if (!ModelLoader.IsClassifier(net))
        {
            throw new LabException($"{modelPath}: attacks need a classifier with 10 logits");
        }

        var test = MnistDataset.Load(a.Data).Test;
        var outDir = a.Out ?? RepositoryPaths.Artifacts("adversarial");
        foreach (var (path, set) in AdversarialSetBuilder.Build(net, name, modelPath, test, a.Count, a.Eps, a.Steps, a.Seed, outDir))
        {
            var success = Enumerable.Range(0, set.Count).Count(set.Succeeded) / (double)set.Count;
            stdout.WriteLine($"{path}: {set.Count} digits, attack success {success:P1}");
        }

        return 0;
    }

    private sealed record Settings(string? Model, string? Name, string? Out, int Count, float[] Eps, int Steps, int Seed, string? Data);
}
