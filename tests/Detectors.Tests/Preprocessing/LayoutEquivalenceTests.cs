using NeuralSec.Detectors.Tests.Support;

namespace NeuralSec.Detectors.Tests.Preprocessing;

/// <summary>Every preprocessor gives the same result on NCHW and on the transposed NHWC input (random ones with the same seed).</summary>
public sealed class LayoutEquivalenceTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var type in new[] { "bitDepth", "median", "gaussianBlur", "nonLocalMeans", "jpeg", "randomResizePad", "randomShift", "gaussianNoise" })
        {
            data.Add(type, 1);
            data.Add(type, 3);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Nhwc_Equals_Nchw_Transposed(string type, int channels)
    {
        var preprocessor = DefenseFactory.CreatePreprocessor(type, new Dictionary<string, object>());
        var nchw = TestImages.Random(2, channels, 12, 10);
        var nhwc = TestImages.ToNhwc(nchw);

        preprocessor.Apply(nchw, new Random(5));
        preprocessor.Apply(nhwc, new Random(5));

        Assert.Equal(TestImages.ToNhwc(nchw).Span.ToArray(), nhwc.Span.ToArray());
    }
}
