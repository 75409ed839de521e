using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace NeuralSec.Detectors.Images;

/// <summary>
/// A small file of clean images (STRIP's overlay pool and the like): gzip of the ASCII magic <c>NSIMAGE1</c>,
/// four little-endian uint32 — count, channels, height, width — then count·channels·height·width uint8 pixels
/// in NCHW order, 0–255 mapping linearly onto the [0, 1] pixel range. Eight bits per pixel is what real images
/// carry, and it keeps a 100-digit MNIST pool at a few kilobytes.
/// </summary>
public static class ImageSetFormat
{
    private const string Magic = "NSIMAGE1";
    private const int MaxPixels = 256 * 1024 * 1024;

    public static void Write(Stream destination, ImageBatch images)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(images);
        using var gzip = new GZipStream(destination, CompressionLevel.SmallestSize, leaveOpen: true);
        Span<byte> header = stackalloc byte[24];
        Encoding.ASCII.GetBytes(Magic, header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], (uint)images.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], (uint)images.Channels);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], (uint)images.Height);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], (uint)images.Width);
        gzip.Write(header);
        var pixels = new byte[images.Span.Length];
        var source = images.Layout == ImageLayout.Nchw ? images.Span : ToNchw(images);
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)Math.Clamp(MathF.Round(source[i] * 255f), 0f, 255f);
        }

        gzip.Write(pixels);
    }

    /// <exception cref="InvalidDataException">Not an image set, or truncated.</exception>
    public static ImageBatch Read(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var gzip = new GZipStream(source, CompressionMode.Decompress, leaveOpen: true);
        Span<byte> header = stackalloc byte[24];
        gzip.ReadExactly(header);
        if (Encoding.ASCII.GetString(header[..8]) != Magic)
        {
            throw new InvalidDataException($"not an image set (no {Magic} header)");
        }

        var count = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        var channels = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
        var height = BinaryPrimitives.ReadUInt32LittleEndian(header[16..]);
        var width = BinaryPrimitives.ReadUInt32LittleEndian(header[20..]);
        var total = (ulong)count * channels * height * width;
        if (count == 0 || channels is not (1 or 3) || height == 0 || width == 0 || total > MaxPixels)
        {
            throw new InvalidDataException($"image set header is implausible ({count}×{channels}×{height}×{width})");
        }

        var pixels = new byte[total];
        try
        {
            gzip.ReadExactly(pixels);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("image set is truncated", ex);
        }

        var data = new float[total];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = pixels[i] / 255f;
        }

        return new ImageBatch(data, (int)count, (int)channels, (int)height, (int)width);
    }

    private static float[] ToNchw(ImageBatch images)
    {
        var result = new float[images.Span.Length];
        var (c, plane) = (images.Channels, images.PlaneSize);
        var span = images.Span;
        for (var n = 0; n < images.Count; n++)
        {
            for (var p = 0; p < plane; p++)
            {
                for (var ch = 0; ch < c; ch++)
                {
                    result[(n * images.ImageSize) + (ch * plane) + p] = span[(n * images.ImageSize) + (p * c) + ch];
                }
            }
        }

        return result;
    }
}
