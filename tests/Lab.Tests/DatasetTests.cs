using NeuralSec.Data;

namespace NeuralSec.Lab.Tests;

public sealed class DatasetTests
{
    [Fact]
    public void Split_Is8000Train2000Test_Stratified()
    {
        var ds = TestData.Mnist;
        Assert.Equal(8000, ds.Train.Count);
        Assert.Equal(2000, ds.Test.Count);
        for (var c = 0; c < 10; c++)
        {
            var train = ds.Train.Labels.Count(l => l == c);
            var test = ds.Test.Labels.Count(l => l == c);
            Assert.InRange(test / (double)(train + test), 0.195, 0.205);
        }
    }

    [Fact]
    public void Pixels_AreInUnitRange_AndThePoolIsTheLastTrainDigits()
    {
        var ds = TestData.Mnist;
        Assert.All(ds.Test.Images, v => Assert.InRange(v, 0f, 1f));
        Assert.Equal(MnistDataset.StripPoolSize, ds.StripPool.Count);
        Assert.Equal(ds.Train.Labels[^1], ds.StripPool.Labels[^1]);
        Assert.True(ds.StripPool.Labels.Distinct().Count() == 10);
    }

    [Fact]
    public void Load_RejectsMissingAndCorruptFiles()
    {
        var dir = TestData.TempDir();
        Assert.Contains("not found", Assert.Throws<FileNotFoundException>(() => MnistDataset.Load(Path.Combine(dir, "nope.gz"))).Message, StringComparison.Ordinal);
        var bad = Path.Combine(dir, "bad.gz");
        File.WriteAllBytes(bad, [1, 2, 3, 4]);
        Assert.Contains("gzip", Assert.Throws<InvalidDataException>(() => MnistDataset.Load(bad)).Message, StringComparison.Ordinal);
    }
}
