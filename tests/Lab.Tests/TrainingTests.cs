using NeuralSec.Lab.Eval;
using NeuralSec.Lab.Nn;
using NeuralSec.Lab.Training;

namespace NeuralSec.Lab.Tests;

public sealed class TrainingTests
{
    private static float MeanLoss(Network net, NeuralSec.Data.MnistSplit split)
    {
        var logits = new Tensor([split.Count, 10], net.Predict(split.Images));
        return Losses.SoftmaxCrossEntropy(logits, split.Labels, null, 1f, new Tensor(logits.Shape));
    }

    [Fact]
    public void OneEpochOnAFewHundredDigits_LowersTheLoss()
    {
        var split = TestData.Mnist.Train.Slice(0, 400);
        var net = Architectures.Classifier(2);
        var before = MeanLoss(net, split);
        var result = ClassifierTrainer.Train(net, split, new ClassifierTrainingOptions { Epochs = 1, BatchSize = 32, Seed = 2 });
        var after = MeanLoss(net, split);
        Assert.Single(result.EpochLosses);
        Assert.Equal(1, result.SelectedEpoch);
        Assert.True(after < 0.7 * before, $"loss {before:F3} → {after:F3}");
    }

    [Fact]
    public void SgdAlsoLowersTheLoss()
    {
        var split = TestData.Mnist.Train.Slice(400, 256);
        var net = Architectures.Classifier(3);
        var before = MeanLoss(net, split);
        var sgd = new Sgd(net.Parameters, 0.02f);
        for (var step = 0; step < 8; step++)
        {
            var x = new Tensor([split.Count, 1, 28, 28], split.Images);
            net.ZeroGrad();
            var y = net.Forward(x);
            var g = new Tensor(y.Shape);
            Losses.SoftmaxCrossEntropy(y, split.Labels, null, 1f, g);
            net.Backward(g);
            sgd.Step();
        }

        Assert.True(MeanLoss(net, split) < before);
    }

    [Fact]
    public void AutoencoderTraining_LowersReconstructionError()
    {
        var split = TestData.Mnist.Train.Slice(0, 300);
        var net = Architectures.Autoencoder(4);
        var before = Metrics.ReconstructionMse(net, split.Images);
        AutoencoderTrainer.Train(net, split, epochs: 1, seed: 4);
        Assert.True(Metrics.ReconstructionMse(net, split.Images) < before);
    }

    [Fact]
    public void BackdoorPoisoning_RelabelsTheConfiguredFractionToTheTarget()
    {
        var train = TestData.Mnist.Train;
        var (poisoned, count) = BackdoorTrigger.Poison(train, 1);
        Assert.Equal(640, count);
        var changed = Enumerable.Range(0, train.Count).Count(i => poisoned.Labels[i] != train.Labels[i]);
        Assert.Equal(count, changed);
        Assert.All(Enumerable.Range(0, train.Count).Where(i => poisoned.Labels[i] != train.Labels[i]),
            i => Assert.Equal(1f, poisoned.Image(i)[BackdoorTrigger.Row * 28 + BackdoorTrigger.Col]));
    }
}
