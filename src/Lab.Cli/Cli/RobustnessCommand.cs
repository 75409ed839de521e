using System.CommandLine;
using NeuralSec.CommandLine;
using NeuralSec.Data;
using NeuralSec.Lab.Attacks;
using NeuralSec.Lab.Eval;
using NeuralSec.Lab.Training;

namespace NeuralSec.Lab.Cli;

internal static class RobustnessCommand
{
    public static Command Create()
    {
        var model = LabOptions.Model();
        var eps = LabOptions.Epsilons(_ => true, "numbers");
        var steps = LabOptions.Steps();
        var loss = Values.Choice("--loss", "attack loss: cross-entropy or the logit margin", "ce", "ce", "margin");
        var temperature = Values.Number("--temperature", "softmax temperature the attacks differentiate through", 1, t => t > 0, "a number above 0");
        var count = Values.OptionalInteger("--count", "test digits to evaluate (default: the whole test split)", 1, int.MaxValue);
        var data = LabOptions.Data();
        var command = new Command("robustness", "Accuracy under FGSM and PGD") { model, eps, steps, loss, temperature, count, data };
        command.SetAction(parseResult => Run(
            parseResult.GetRequiredValue(model),
            parseResult.GetValue(eps) ?? ModelZoo.ReportEpsilons,
            parseResult.GetValue(steps),
            parseResult.GetValue(loss) == "margin" ? AttackLoss.Margin : AttackLoss.CrossEntropy,
            (float)parseResult.GetValue(temperature),
            parseResult.GetValue(count),
            parseResult.GetValue(data),
            parseResult.InvocationConfiguration.Output));
        return command;
    }

    private static int Run(string path, float[] epsilons, int steps, AttackLoss loss, float temperature, int? requested, string? dataFile, TextWriter stdout)
    {
        var net = ModelLoader.LoadMnistModel(path);
        if (!ModelLoader.IsClassifier(net))
        {
            throw new LabException($"{path}: attacks need a classifier with 10 logits");
        }

        var test = MnistDataset.Load(dataFile).Test;
        var count = requested ?? test.Count;
        if (count > test.Count)
        {
            throw new UsageException($"--count must be between 1 and {test.Count}");
        }

        var split = test.Slice(0, count);
        stdout.WriteLine($"clean accuracy on {count} test digits: {Metrics.Accuracy(net, split):P2}");
        foreach (var e in epsilons)
        {
            foreach (var o in new[] { AttackOptions.Fgsm(e), AttackOptions.Pgd(e, steps) })
            {
                var opt = o with { Loss = loss, Temperature = temperature };
                stdout.WriteLine($"{Robustness.Describe(opt)}: {Robustness.AccuracyUnder(net, split, opt):P2}");
            }
        }

        return 0;
    }
}
