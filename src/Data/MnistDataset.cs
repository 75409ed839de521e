using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace NeuralSec.Data;

/// <summary>
/// The committed 10,000-digit MNIST fixture (<c>data/mnist/mnist-10k.bin.gz</c>, format in data/mnist/README.md) with
/// its fixed, stratified 8,000/2,000 split: gzip of the magic <c>NSMNIST1</c>, uint32 count/rows/cols/test-count
/// (little-endian), uint8 pixels, labels, then a split flag per digit (0 train, 1 test). Pixels become [0, 1] floats.
/// The one reader of that format.
/// </summary>
public sealed class MnistDataset
{
    public const string Magic = "NSMNIST1";

    /// <summary>Size of the clean pool for STRIP: the last this-many train digits in file order.</summary>
    public const int StripPoolSize = 500;

    private const int HeaderBytes = 24;

    private MnistDataset(MnistSplit train, MnistSplit test)
    {
        Train = train;
        Test = test;
    }

    public MnistSplit Train { get; }

    /// <summary>Never trained on by any lab command.</summary>
    public MnistSplit Test { get; }

    /// <summary>Held-out-from-test clean pool for STRIP overlays: train indices 7,500–7,999.</summary>
    public MnistSplit StripPool => Train.Slice(Train.Count - StripPoolSize, StripPoolSize);

    /// <summary>Loads the fixture; <paramref name="path"/> defaults to the repository's.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Not gzip, not the fixture format, or truncated; the message names the file.</exception>
    public static MnistDataset Load(string? path = null)
    {
        path ??= RepositoryPaths.MnistFile();
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"dataset file not found: {path}", path);
        }

        using var stream = File.OpenRead(path);
        try
        {
            return Read(stream);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Reads the fixture from a gzip stream.</summary>
    /// <exception cref="InvalidDataException">Not gzip, not the fixture format, or truncated.</exception>
    public static MnistDataset Read(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        byte[] blob;
        try
        {
            using var gzip = new GZipStream(source, CompressionMode.Decompress, leaveOpen: true);
            using var buffer = new MemoryStream();
            gzip.CopyTo(buffer);
            blob = buffer.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"not valid gzip ({e.Message})", e);
        }

        if (blob.Length < HeaderBytes || Encoding.ASCII.GetString(blob, 0, 8) != Magic)
        {
            throw new InvalidDataException($"not an MNIST fixture (no {Magic} header)");
        }

        var count = BinaryPrimitives.ReadUInt32LittleEndian(blob.AsSpan(8));
        var rows = BinaryPrimitives.ReadUInt32LittleEndian(blob.AsSpan(12));
        var cols = BinaryPrimitives.ReadUInt32LittleEndian(blob.AsSpan(16));
        if (rows != MnistSplit.Rows || cols != MnistSplit.Cols || count == 0 || blob.Length != HeaderBytes + ((long)count * (MnistSplit.Pixels + 2)))
        {
            throw new InvalidDataException($"the MNIST fixture header ({count}×{rows}×{cols}) does not match its {blob.Length} bytes (digits must be {MnistSplit.Rows}×{MnistSplit.Cols})");
        }

        var n = (int)count;
        var labelsAt = HeaderBytes + (n * MnistSplit.Pixels);
        var splitAt = labelsAt + n;
        var train = new List<int>();
        var test = new List<int>();
        for (var i = 0; i < n; i++)
        {
            (blob[splitAt + i] == 1 ? test : train).Add(i);
        }

        return new MnistDataset(Extract(blob, train, labelsAt), Extract(blob, test, labelsAt));
    }

    private static MnistSplit Extract(byte[] blob, List<int> indices, int labelsAt)
    {
        const int px = MnistSplit.Pixels;
        var images = new float[indices.Count * px];
        var labels = new byte[indices.Count];
        for (var k = 0; k < indices.Count; k++)
        {
            var pixels = blob.AsSpan(HeaderBytes + (indices[k] * px), px);
            var target = images.AsSpan(k * px, px);
            for (var j = 0; j < px; j++)
            {
                target[j] = pixels[j] / 255f;
            }

            labels[k] = blob[labelsAt + indices[k]];
        }

        return new MnistSplit(images, labels);
    }
}
