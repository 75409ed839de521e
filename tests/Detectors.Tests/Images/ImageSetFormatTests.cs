using NeuralSec.Detectors.Images;

namespace NeuralSec.Detectors.Tests.Images;

public sealed class ImageSetFormatTests
{
    private static ImageBatch Batch() => new(new float[] { 0f, 0.5f, 1f, 0.25f, 0.2f, 0.8f, 0.999f, 0.001f }, 2, 1, 2, 2);

    [Fact]
    public void Uint8_round_trip_keeps_values_to_within_half_a_grey_level()
    {
        using var stream = new MemoryStream();
        ImageSetFormat.Write(stream, Batch());
        stream.Position = 0;
        var read = ImageSetFormat.Read(stream);

        Assert.Equal((2, 1, 2, 2), (read.Count, read.Channels, read.Height, read.Width));
        var expected = Batch().Span.ToArray();
        var actual = read.Span.ToArray();
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.InRange(Math.Abs(expected[i] - actual[i]), 0, 0.5 / 255 + 1e-6);
        }
    }

    [Fact]
    public void Float_round_trip_is_exact()
    {
        using var stream = new MemoryStream();
        ImageSetFormat.Write(stream, Batch(), exact: true);
        stream.Position = 0;
        Assert.Equal(Batch().Span.ToArray(), ImageSetFormat.Read(stream).Span.ToArray());
    }

    [Fact]
    public void Rejects_other_files_and_truncation()
    {
        using var junk = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(junk, System.IO.Compression.CompressionMode.Compress, leaveOpen: true))
        {
            gz.Write("NSMNIST1 and more bytes to fill a header"u8);
        }

        junk.Position = 0;
        Assert.Contains("not an image set", Assert.Throws<InvalidDataException>(() => ImageSetFormat.Read(junk)).Message, StringComparison.Ordinal);

        using var full = new MemoryStream();
        ImageSetFormat.Write(full, Batch(), exact: true);
        var bytes = full.ToArray();
        using var raw = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(new MemoryStream(bytes), System.IO.Compression.CompressionMode.Decompress))
        {
            gz.CopyTo(raw);
        }

        using var truncated = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(truncated, System.IO.Compression.CompressionMode.Compress, leaveOpen: true))
        {
            gz.Write(raw.ToArray().AsSpan(0, (int)raw.Length - 5));
        }

        truncated.Position = 0;
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => ImageSetFormat.Read(truncated)).Message, StringComparison.Ordinal);
    }
}
