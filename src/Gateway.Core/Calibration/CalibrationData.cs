using System.IO.Compression;
using System.Text;
using NeuralSec.Data;
using NeuralSec.Detectors.Images;
using NeuralSec.Gateway.Defenses;

namespace NeuralSec.Gateway.Calibration;

/// <summary>
/// Reads the images calibration scores: an image set file (<see cref="ImageSetFormat"/>) or the MNIST fixture
/// (<see cref="MnistDataset"/>, one split), told apart by the magic inside the gzip, optionally narrowed to a range.
/// </summary>
internal static class CalibrationData
{
    /// <param name="testSplit">For the MNIST fixture: the test split (true, and when null) or the train split. Held-out
    /// digits by default: the fixture models were trained on the train split, and thresholds must be set on inputs the
    /// model has not seen, as real traffic is.</param>
    /// <param name="range">Images [start, start+count) of what was read; null for all.</param>
    /// <exception cref="CalibrationException">The file cannot be read, or the range is outside it.</exception>
    public static CalibrationImages Read(string path, bool? testSplit, (int Start, int Count)? range)
    {
        string magic;
        ImageBatch images;
        try
        {
            magic = ReadMagic(path);
            if (magic == MnistDataset.Magic)
            {
                var dataset = MnistDataset.Load(path);
                var split = testSplit ?? true ? dataset.Test : dataset.Train;
                images = new ImageBatch(split.Images, split.Count, 1, MnistSplit.Rows, MnistSplit.Cols);
            }
            else
            {
                images = ImageSetFile.Read(path);
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new CalibrationException(ex.Message.StartsWith(path, StringComparison.Ordinal) ? ex.Message : $"{path}: {ex.Message}", ex);
        }

        var isMnist = magic == MnistDataset.Magic;
        if (!isMnist && testSplit is not null)
        {
            throw new CalibrationException($"--split applies to the MNIST fixture only; {path} is an image set");
        }

        var description = isMnist ? $"{path} ({(testSplit ?? true ? "test" : "train")} split)" : path;
        if (range is var (start, count))
        {
            if (start < 0 || count < 1 || (long)start + count > images.Count)
            {
                throw new CalibrationException($"--range {start}:{count} is outside {description}, which has {images.Count} images");
            }

            images = images.Slice(start, count);
            description += $" [{start}:{count}]";
        }

        // Float sets hold model values (adversarial examples, exact); uint8 sets and the fixture hold pixels.
        return new CalibrationImages(description, images, PixelUnits: magic != "NSIMAGF1");
    }

    private static string ReadMagic(string path)
    {
        using var stream = File.OpenRead(path);
        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        Span<byte> magic = stackalloc byte[8];
        try
        {
            gzip.ReadExactly(magic);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("the file is too short to be an image set", ex);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException("not gzip-compressed: expected an image set (NSIMAGE1/NSIMAGF1) or the MNIST fixture (NSMNIST1)", ex);
        }

        return Encoding.ASCII.GetString(magic);
    }
}
