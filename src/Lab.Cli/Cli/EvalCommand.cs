using NeuralSec.Data;
using NeuralSec.Lab.Eval;
using NeuralSec.Lab.Training;

namespace NeuralSec.Lab.Cli;

internal static class EvalCommand
{
    public static int Run(string[] args, TextWriter stdout)
    {
        var a = ParsedArgs.Parse(args, ["data"], ["trigger"]);
        var path = a.Single("model path");
        var net = ModelLoader.LoadMnistModel(path);
        var test = MnistDataset.Load(a.Get("data")).Test;
        if (ModelLoader.IsAutoencoder(net))
        {
            stdout.WriteLine($"reconstruction MSE on {test.Count} test digits: {Metrics.ReconstructionMse(net, test.Images):G5}");
            return 0;
        }

        if (!ModelLoader.IsClassifier(net))
        {
            throw new LabException($"{path}: output shape [batch,{string.Join(",", net.OutputShape)}] is neither 10 logits nor a reconstruction");
        }

        stdout.WriteLine($"accuracy on {test.Count} test digits: {Metrics.Accuracy(net, test):P2}");
        if (a.Flag("trigger"))
        {
            var triggered = BackdoorTrigger.TriggeredNonTarget(test);
            var pred = Metrics.Predict(net, triggered.Images);
            var asr = pred.Count(p => p == BackdoorTrigger.TargetClass) / (double)pred.Length;
            stdout.WriteLine($"backdoor trigger → class {BackdoorTrigger.TargetClass} on {triggered.Count} non-target digits: {asr:P2}");
        }

        return 0;
    }
}
