using NeuralSec.Detectors.Images;
using NeuralSec.Detectors.Tensors;

namespace NeuralSec.Detectors.Tests.Images;

public sealed class ImageBatchTests
{
    [Fact]
    public void FromTensor_RoundTrips_Fp32_Nchw()
    {
        float[] values = [0, 0.25f, 0.5f, 1];
        var tensor = InferenceTensor.FromFloats("input", [1, 1, 2, 2], values);

        var batch = ImageBatch.FromTensor(tensor);
        var back = batch.ToTensor("input");

        Assert.Equal((1, 1, 2, 2, ImageLayout.Nchw), (batch.Count, batch.Channels, batch.Height, batch.Width, batch.Layout));
        Assert.Equal(values, back.AsSpan<float>().ToArray());
        Assert.Equal([1L, 1, 2, 2], back.Shape);
    }

    [Fact]
    public void FromTensor_InfersNhwc_FromTrailingChannels()
    {
        var tensor = InferenceTensor.FromFloats("x", [2, 4, 5, 3], new float[2 * 4 * 5 * 3]);

        var batch = ImageBatch.FromTensor(tensor);

        Assert.Equal((2, 3, 4, 5, ImageLayout.Nhwc), (batch.Count, batch.Channels, batch.Height, batch.Width, batch.Layout));
        Assert.Equal([2L, 4, 5, 3], batch.Shape);
    }

    [Fact]
    public void Rejects_NonImageTensor_WithClearMessage()
    {
        var tensor = InferenceTensor.FromFloats("features", [1, 784], new float[784]);

        var error = Assert.Throws<ImageTensorException>(() => ImageBatch.FromTensor(tensor));

        Assert.Contains("not an image tensor", error.Message);
        Assert.Contains("[1,784]", error.Message);
    }

    [Fact]
    public void Rejects_NonFp32_Tensor()
    {
        var tensor = new InferenceTensor("input", TensorDataType.FP16, [1, 1, 2, 2], new byte[8]);

        var error = Assert.Throws<ImageTensorException>(() => ImageBatch.FromTensor(tensor));

        Assert.Contains("FP32", error.Message);
        Assert.Contains("FP16", error.Message);
    }

    [Fact]
    public void Rejects_WrongChannelCount_InDeclaredLayout()
    {
        Assert.Contains("4 channels", ImageTensorShape.Check([1, 4, 28, 28], ImageLayout.Nchw));
    }

    [Fact]
    public void Rejects_DataLengthThatDoesNotMatchShape()
    {
        var tensor = new InferenceTensor("input", TensorDataType.FP32, [1, 1, 28, 28], new byte[12]);

        Assert.False(ImageBatch.TryFromTensor(tensor, null, null, out _, out var error));
        Assert.Contains("does not match", error);
    }

    [Theory]
    [InlineData(new long[] { -1, 1, 28, 28 }, true)]
    [InlineData(new long[] { -1, 224, 224, 3 }, true)]
    [InlineData(new long[] { -1, 784 }, false)]
    [InlineData(new long[] { -1, 10, 10, 10 }, false)]
    public void Check_PolicyShapePatterns(long[] pattern, bool isImage)
    {
        Assert.Equal(isImage, ImageTensorShape.Check(pattern) is null);
    }

    [Fact]
    public void Scaling_PerChannelCountMustFit()
    {
        var scaling = new ImageScaling(0, 1, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);

        Assert.Throws<ArgumentException>(() => new ImageBatch(new float[4], 1, 1, 2, 2, ImageLayout.Nchw, scaling));
        Assert.Null(scaling.CheckChannels(3));
    }

    [Fact]
    public void PixelSpace_RoundTrips_StandardisedNhwc()
    {
        var pixels = Support.TestImages.Random(2, 3, 4, 5);
        var model = Support.TestImages.ToNhwc(Support.TestImages.Standardised(pixels, 0.45, 0.22));
        var canonical = new float[model.Data.Length];

        PixelSpace.ToPixels(model, canonical);
        var restored = model.WithData(new float[model.Data.Length], model.Count);
        PixelSpace.FromPixels(canonical, restored);

        for (var i = 0; i < canonical.Length; i++)
        {
            Assert.Equal(pixels.Span[i], canonical[i], 5);
            Assert.Equal(model.Span[i], restored.Span[i], 5);
        }
    }
}
