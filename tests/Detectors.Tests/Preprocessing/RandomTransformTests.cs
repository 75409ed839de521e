using NeuralSec.Detectors.Images;
using NeuralSec.Detectors.Preprocessing;
using NeuralSec.Detectors.Preprocessing.GaussianNoise;
using NeuralSec.Detectors.Preprocessing.RandomResizePad;
using NeuralSec.Detectors.Preprocessing.RandomShift;
using NeuralSec.Detectors.Tests.Support;

namespace NeuralSec.Detectors.Tests.Preprocessing;

public sealed class RandomTransformTests
{
    public static TheoryData<string> RandomTypes => new() { "randomResizePad", "randomShift", "gaussianNoise" };

    [Theory]
    [MemberData(nameof(RandomTypes))]
    public void SameSeed_SameOutput_DifferentSeed_DifferentOutput(string type)
    {
        var preprocessor = DefenseFactory.CreatePreprocessor(type, new Dictionary<string, object>());
        var original = TestImages.Random(3, 3, 32, 32);
        var a = original.Clone();
        var b = original.Clone();
        var c = original.Clone();

        preprocessor.Apply(a, new Random(42));
        preprocessor.Apply(b, new Random(42));
        preprocessor.Apply(c, new Random(43));

        Assert.True(preprocessor.IsRandomized);
        Assert.Equal(a.Span.ToArray(), b.Span.ToArray());
        Assert.NotEqual(a.Span.ToArray(), c.Span.ToArray());
        Assert.NotEqual(original.Span.ToArray(), a.Span.ToArray());
    }

    [Fact]
    public void ResizePad_KeepsShape_ShrinksWithinMinScale_PadsWithPadValue()
    {
        var preprocessor = new RandomResizePadPreprocessor(new RandomResizePadOptions(0.8, 0, ResizeInterpolation.Nearest));
        for (var seed = 0; seed < 20; seed++)
        {
            var batch = new ImageBatch(Enumerable.Repeat(1f, 30 * 30).ToArray(), 1, 1, 30, 30);

            preprocessor.Apply(batch, new Random(seed));

            // A constant white image resized stays white; the rest is black padding: the white area is the new size.
            var white = batch.Span.ToArray().Count(v => v == 1f);
            Assert.Equal(30 * 30, batch.Data.Length);
            Assert.InRange(white, 24 * 24, 30 * 30);
            Assert.Equal(30 * 30, white + batch.Span.ToArray().Count(v => v == 0f));
        }
    }

    [Fact]
    public void Shift_MovesContent_AndFillsUncovered()
    {
        var plane = new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 };

        PlaneShift.Apply(plane, 3, 3, dy: 1, dx: -1, pad: 0);

        // output(y, x) = input(y − 1, x + 1).
        Assert.Equal([0f, 0, 0, 2, 3, 0, 5, 6, 0], plane);
    }

    [Fact]
    public void Noise_HasRequestedSpread_InPixelUnits()
    {
        var batch = new ImageBatch(Enumerable.Repeat(0.5f, 64 * 64).ToArray(), 1, 1, 64, 64);

        new GaussianNoisePreprocessor(new GaussianNoiseOptions(0.1, Clip: true)).Apply(batch, new Random(3));

        var values = batch.Span.ToArray();
        var mean = values.Average();
        var std = Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
        Assert.Equal(0.5, mean, 2);
        Assert.Equal(0.1, std, 2);
    }
}
