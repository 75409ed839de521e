using NeuralSec.Lab.Attacks;
using NeuralSec.Lab.Onnx;
using NeuralSec.Lab.Training;

namespace NeuralSec.Lab.Tests;

/// <summary>The pieces of fast adversarial training: FGSM with random start, the ε ramp and the early-stopping check.</summary>
public sealed class AdversarialTrainingTests
{
    private static readonly Lazy<NeuralSec.Lab.Nn.Network> Model = new(() => OnnxImporter.Load(NeuralSec.Data.RepositoryPaths.ModelFile("mnist")));

    [Fact]
    public void FgsmRandomStart_IsOneStepOfOnePointTwoFiveEpsilon_FromARandomStart()
    {
        var a = AttackOptions.FgsmRandomStart(0.3f);
        Assert.Equal(1, a.Steps);
        Assert.True(a.RandomStart);
        Assert.Equal(0.375f, a.Alpha, 6);
        Assert.Equal("FGSM with random start (α=0.375), L∞ ε=0.3", Robustness.Describe(a));
    }

    [Fact]
    public void FgsmRandomStart_StaysInTheBallAndPixelRange_AndDependsOnTheSeed()
    {
        var test = TestData.Mnist.Test.Slice(0, 20);
        const float Eps = 0.3f;
        var a = AttackOptions.FgsmRandomStart(Eps) with { Seed = 5 };
        var x = Pgd.Perturb(Model.Value, test.Images, test.Labels, null, a);
        for (var i = 0; i < x.Length; i++)
        {
            Assert.InRange(x[i], 0f, 1f);
            Assert.True(Math.Abs(x[i] - test.Images[i]) <= Eps + 1e-6f);
        }

        Assert.Equal(x, Pgd.Perturb(Model.Value, test.Images, test.Labels, null, a));
        Assert.NotEqual(x, Pgd.Perturb(Model.Value, test.Images, test.Labels, null, a with { Seed = 6 }));
        // Without the random start the single step of 1.25·ε is clipped to exactly ±ε wherever the pixel range allows: plain FGSM.
        Assert.Equal(Fgsm.Perturb(Model.Value, test.Images, test.Labels, null, Eps),
            Pgd.Perturb(Model.Value, test.Images, test.Labels, null, a with { RandomStart = false }));
    }

    [Fact]
    public void WithEpsilon_ScalesAFixedStepSize_AndKeepsTheDefaultRule()
    {
        var fast = AttackOptions.FgsmRandomStart(0.3f).WithEpsilon(0.1f);
        Assert.Equal(0.1f, fast.Epsilon);
        Assert.Equal(0.125f, fast.Alpha, 6);
        var pgd = AttackOptions.Pgd(0.3f, 10).WithEpsilon(0.2f);
        Assert.Null(pgd.StepSize);
        Assert.Equal(2.5f * 0.2f / 10, pgd.Alpha, 6);
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(2.0, 0.15)]
    [InlineData(4.0, 0.3)]
    [InlineData(9.5, 0.3)]
    public void Ramp_GrowsEpsilonLinearlyThenHolds(double epochs, float expected)
    {
        var a = ClassifierTrainer.RampedAttack(AttackOptions.FgsmRandomStart(0.3f), 4f, epochs);
        Assert.Equal(expected, a.Epsilon, 6);
        Assert.Equal(1.25f * expected, a.Alpha, 6);
    }

    [Fact]
    public void NoRamp_AttacksAtFullEpsilonFromTheFirstStep()
    {
        Assert.Equal(0.3f, ClassifierTrainer.RampedAttack(AttackOptions.FgsmRandomStart(0.3f), 0f, 0.0).Epsilon);
    }

    [Fact]
    public void EarlyStopping_KeepsTheBest_AndStopsOnADropLargerThanAllowed()
    {
        var s = new EarlyStopping(maxDrop: 0.2);
        Assert.True(s.Observe(1, 0.50));
        Assert.True(s.Observe(2, 0.70));
        Assert.False(s.Observe(3, 0.70));
        Assert.False(s.Observe(4, 0.55));
        Assert.False(s.ShouldStop);
        Assert.False(s.Observe(5, 0.45));
        Assert.True(s.ShouldStop);
        Assert.Equal(2, s.BestEpoch);
        Assert.Equal(0.70, s.BestAccuracy);
        Assert.Equal(5, s.Checks.Count);
    }

    [Fact]
    public void Training_WithACheck_EndsOnTheWeightsOfTheBestCheck()
    {
        var train = TestData.Mnist.Train.Slice(0, 192);
        var check = new RobustnessCheck { Split = TestData.Mnist.Train.Slice(7900, 50), Attack = AttackOptions.Pgd(0.1f, 3) with { Seed = 3 } };
        var net = Architectures.Classifier(6);
        var result = ClassifierTrainer.Train(net, train, new ClassifierTrainingOptions
        {
            Epochs = 3,
            Seed = 6,
            Adversarial = AttackOptions.FgsmRandomStart(0.1f),
            AdversarialRampEpochs = 1.5f,
            Check = check,
        });
        Assert.Equal([1, 2, 3], result.Checks.Select(c => c.Epoch));
        var best = result.Checks.First(c => c.Accuracy == result.Checks.Max(d => d.Accuracy));
        Assert.Equal(best.Epoch, result.SelectedEpoch);
        Assert.Equal(best.Accuracy, Robustness.AccuracyUnder(net, check.Split, check.Attack));
    }

    [Fact]
    public void FastAdversarialTraining_IsDeterministicForASeed()
    {
        var train = TestData.Mnist.Train.Slice(0, 128);
        float[] Run()
        {
            var net = Architectures.Classifier(8);
            ClassifierTrainer.Train(net, train, new ClassifierTrainingOptions
            {
                Epochs = 1,
                Seed = 8,
                Adversarial = AttackOptions.FgsmRandomStart(0.3f),
                AdversarialWeight = 1f,
                AdversarialRampEpochs = 0.5f,
            });
            return net.Parameters.SelectMany(p => p.Value).ToArray();
        }

        Assert.Equal(Run(), Run());
    }
}
