using NeuralSec.Lab.Attacks;
using NeuralSec.Data;
using NeuralSec.Lab.Eval;
using NeuralSec.Lab.Training;

namespace NeuralSec.Lab.Cli;

internal static class RobustnessCommand
{
    public static int Run(string[] args, TextWriter stdout)
    {
        var a = ParsedArgs.Parse(args, ["eps", "steps", "loss", "temperature", "count", "data"]);
        var path = a.Single("model path");
        var net = ModelLoader.LoadMnistModel(path);
        if (!ModelLoader.IsClassifier(net))
        {
            throw new LabException($"{path}: attacks need a classifier with 10 logits");
        }

        var loss = a.Get("loss") switch
        {
            null or "ce" => AttackLoss.CrossEntropy,
            "margin" => AttackLoss.Margin,
            var other => throw new UsageException($"--loss must be ce or margin, got '{other}'"),
        };
        var test = MnistDataset.Load(a.Get("data")).Test;
        var count = a.GetInt("count", test.Count);
        if (count < 1 || count > test.Count)
        {
            throw new UsageException($"--count must be between 1 and {test.Count}");
        }

        var split = test.Slice(0, count);
        var temperature = a.GetFloat("temperature", 1f);
        stdout.WriteLine($"clean accuracy on {count} test digits: {Metrics.Accuracy(net, split):P2}");
        foreach (var e in a.GetFloats("eps", ModelZoo.ReportEpsilons))
        {
            foreach (var o in new[] { AttackOptions.Fgsm(e), AttackOptions.Pgd(e, a.GetInt("steps", 40)) })
            {
                var opt = o with { Loss = loss, Temperature = temperature };
                stdout.WriteLine($"{Robustness.Describe(opt)}: {Robustness.AccuracyUnder(net, split, opt):P2}");
            }
        }

        return 0;
    }
}
