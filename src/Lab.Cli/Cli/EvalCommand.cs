using System.CommandLine;
using NeuralSec.Data;
using NeuralSec.Lab.Eval;
using NeuralSec.Lab.Training;

namespace NeuralSec.Lab.Cli;

internal static class EvalCommand
{
    public static Command Create()
    {
        var model = LabOptions.Model();
        var data = LabOptions.Data();
        var trigger = new Option<bool>("--trigger") { Description = "also measure the backdoor trigger's success on non-target digits" };
        var command = new Command("eval", "Test-split accuracy (classifier) or reconstruction error (autoencoder)") { model, data, trigger };
        command.SetAction(parseResult => Run(parseResult.GetRequiredValue(model), parseResult.GetValue(data), parseResult.GetValue(trigger), parseResult.InvocationConfiguration.Output));
        return command;
    }

    private static int Run(string path, string? dataFile, bool trigger, TextWriter stdout)
    {
        var net = ModelLoader.LoadMnistModel(path);
        var test = MnistDataset.Load(dataFile).Test;
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
        if (trigger)
        {
            var triggered = BackdoorTrigger.TriggeredNonTarget(test);
            var pred = Metrics.Predict(net, triggered.Images);
            var asr = pred.Count(p => p == BackdoorTrigger.TargetClass) / (double)pred.Length;
            stdout.WriteLine($"backdoor trigger → class {BackdoorTrigger.TargetClass} on {triggered.Count} non-target digits: {asr:P2}");
        }

        return 0;
    }
}
