using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using NeuralSec.Detectors.Images;

namespace NeuralSec.Gateway.Calibration;

/// <summary>
/// Reads the repository's MNIST fixture (<c>data/mnist/mnist-10k.bin.gz</c>, format in data/mnist/README.md): gzip of
/// the magic <c>NSMNIST1</c>, uint32 count/rows/cols/test-count, uint8 pixels, labels, then a split flag per digit
/// (0 train, 1 test). Only the digits of one split are returned, in file order, as [0, 1] pixels.
/// </summary>
internal static class MnistFixture
{
    public const string Magic = "NSMNIST1";
    private const int HeaderBytes = 24;

    /// <exception cref="InvalidDataException">Not the fixture format, or truncated.</exception>
    public static ImageBatch Read(Stream source, bool test)
    {
        using var gzip = new GZipStream(source, CompressionMode.Decompress, leaveOpen: true);
        using var buffer = new MemoryStream();
        gzip.CopyTo(buffer);
        var blob = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (blob.Length < HeaderBytes || Encoding.ASCII.GetString(blob[..8]) != Magic)
        {
            throw new InvalidDataException($"not an MNIST fixture (no {Magic} header)");
        }

        var count = BinaryPrimitives.ReadUInt32LittleEndian(blob[8..]);
        var rows = BinaryPrimitives.ReadUInt32LittleEndian(blob[12..]);
        var cols = BinaryPrimitives.ReadUInt32LittleEndian(blob[16..]);
        var pixels = (long)rows * cols;
        if (count == 0 || rows is 0 or > ImageTensorShape.MaxSide || cols is 0 or > ImageTensorShape.MaxSide
            || blob.Length != HeaderBytes + (count * (pixels + 2)))
        {
            throw new InvalidDataException($"MNIST fixture header ({count}×{rows}×{cols}) does not match its {blob.Length} bytes");
        }

        var splitAt = HeaderBytes + (int)(count * (pixels + 1));
        var flags = blob.Slice(splitAt, (int)count);
        var wanted = (byte)(test ? 1 : 0);
        var selected = flags.Count(wanted);
        if (selected == 0)
        {
            throw new InvalidDataException($"the MNIST fixture has no {(test ? "test" : "train")} digits");
        }

        var images = new float[selected * pixels];
        var next = 0;
        for (var i = 0; i < count; i++)
        {
            if (flags[i] != wanted)
            {
                continue;
            }

            foreach (var pixel in blob.Slice(HeaderBytes + (int)(i * pixels), (int)pixels))
            {
                images[next++] = pixel / 255f;
            }
        }

        return new ImageBatch(images, selected, 1, (int)rows, (int)cols);
    }
}
