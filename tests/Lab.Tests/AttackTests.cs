using NeuralSec.Lab.Attacks;
using NeuralSec.Lab.Eval;
using NeuralSec.Lab.Onnx;

namespace NeuralSec.Lab.Tests;

public sealed class AttackTests
{
    private static readonly Lazy<NeuralSec.Lab.Nn.Network> Model = new(() => OnnxImporter.Load(NeuralSec.Data.RepositoryPaths.ModelFile("mnist")));

    [Fact]
    public void Pgd_StaysInTheEpsilonBallAndPixelRange_AndBeatsFgsm()
    {
        var test = TestData.Mnist.Test.Slice(0, 100);
        const float Eps = 0.1f;
        var pgd = Pgd.Perturb(Model.Value, test.Images, test.Labels, null, AttackOptions.Pgd(Eps, 10));
        for (var i = 0; i < pgd.Length; i++)
        {
            Assert.InRange(pgd[i], 0f, 1f);
            Assert.True(Math.Abs(pgd[i] - test.Images[i]) <= Eps + 1e-6f);
        }

        var fgsm = Fgsm.Perturb(Model.Value, test.Images, test.Labels, null, Eps);
        var clean = Metrics.Accuracy(Model.Value, test.Images, test.Labels);
        var accFgsm = Metrics.Accuracy(Model.Value, fgsm, test.Labels);
        var accPgd = Metrics.Accuracy(Model.Value, pgd, test.Labels);
        Assert.True(accFgsm < clean, $"FGSM {accFgsm} vs clean {clean}");
        Assert.True(accPgd <= accFgsm, $"PGD {accPgd} vs FGSM {accFgsm}");
    }

    [Fact]
    public void TargetedPgd_ReachesTheTargetClassAtLargeEpsilon()
    {
        var test = TestData.Mnist.Test.Slice(0, 50);
        var targets = test.Labels.Select(y => (byte)((y + 3) % 10)).ToArray();
        var adv = Pgd.Perturb(Model.Value, test.Images, test.Labels, targets, AttackOptions.Pgd(0.3f, 20));
        var pred = Metrics.Predict(Model.Value, adv);
        var hit = pred.Zip(targets).Count(p => p.First == p.Second) / 50.0;
        Assert.True(hit > 0.8, $"targeted success {hit:P0}");
    }

    [Fact]
    public void AdversarialSet_RoundTripsThroughItsFileFormat()
    {
        var dir = TestData.TempDir();
        var model = NeuralSec.Data.RepositoryPaths.ModelFile("mnist");
        var sets = AdversarialSetBuilder.Build(Model.Value, "mnist", model, TestData.Mnist.Test, 20, [0.2f], 5, 3, dir).ToList();
        Assert.Equal(3, sets.Count);
        foreach (var (path, written) in sets)
        {
            var read = AdversarialSet.Read(path);
            Assert.Equal(written.Header.Attack, read.Header.Attack);
            Assert.Equal(0.2f, read.Header.Epsilon);
            Assert.Equal(written.Images, read.Images);
            Assert.Equal(written.Labels, read.Labels);
            Assert.Equal(written.Targets, read.Targets);
            Assert.Equal(written.TestIndices, read.TestIndices);
            Assert.Equal(written.Predictions, read.Predictions);
            Assert.Equal(TestData.Mnist.Test.Labels[read.TestIndices[7]], read.Labels[7]);
        }

        Assert.All(sets.Single(s => s.Set.Header.Attack == "pgd-targeted").Set.Targets, t => Assert.InRange(t, (sbyte)0, (sbyte)9));
        Assert.All(sets.Single(s => s.Set.Header.Attack == "pgd").Set.Targets, t => Assert.Equal(-1, t));
    }
}
