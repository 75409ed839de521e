using System.IO.Compression;
using System.Text;

namespace NeuralSec.Lab.Data;

/// <summary>
/// The committed 10,000-digit fixture (data/mnist/mnist-10k.bin.gz; format in data/mnist/README.md)
/// with its fixed, stratified 8,000/2,000 split.
/// </summary>
public sealed class MnistDataset
{
    public const string Magic = "NSMNIST1";

    /// <summary>Size of the clean pool for STRIP: the last this-many train digits in file order.</summary>
    public const int StripPoolSize = 500;

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

    /// <summary>Loads the fixture; <paramref name="path"/> defaults to data/mnist/mnist-10k.bin.gz under the repo root.</summary>
    public static MnistDataset Load(string? path = null)
    {
        path ??= RepoPaths.MnistFile();
        if (!File.Exists(path))
        {
            throw new LabException($"dataset file not found: {path}");
        }

        byte[] blob;
        try
        {
            using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
            using var ms = new MemoryStream();
            gz.CopyTo(ms);
            blob = ms.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new LabException($"dataset file is not valid gzip: {path} ({e.Message})", e);
        }

        if (blob.Length < 24 || Encoding.ASCII.GetString(blob, 0, 8) != Magic)
        {
            throw new LabException($"dataset file has no {Magic} header: {path}");
        }

        var n = BitConverter.ToInt32(blob, 8);
        var rows = BitConverter.ToInt32(blob, 12);
        var cols = BitConverter.ToInt32(blob, 16);
        if (rows != MnistSplit.Rows || cols != MnistSplit.Cols || n <= 0 || blob.Length != 24 + (long)n * (rows * cols + 2))
        {
            throw new LabException($"dataset file has unexpected shape (n={n}, {rows}x{cols}, {blob.Length} bytes): {path}");
        }

        var px = MnistSplit.Pixels;
        var labelsAt = 24 + n * px;
        var splitAt = labelsAt + n;
        var trainIdx = new List<int>();
        var testIdx = new List<int>();
        for (var i = 0; i < n; i++)
        {
            (blob[splitAt + i] == 1 ? testIdx : trainIdx).Add(i);
        }

        return new MnistDataset(Extract(blob, trainIdx, labelsAt), Extract(blob, testIdx, labelsAt));
    }

    private static MnistSplit Extract(byte[] blob, List<int> indices, int labelsAt)
    {
        var px = MnistSplit.Pixels;
        var images = new float[indices.Count * px];
        var labels = new byte[indices.Count];
        for (var k = 0; k < indices.Count; k++)
        {
            var src = 24 + indices[k] * px;
            for (var j = 0; j < px; j++)
            {
                images[k * px + j] = blob[src + j] / 255f;
            }

            labels[k] = blob[labelsAt + indices[k]];
        }

        return new MnistSplit(images, labels);
    }
}
