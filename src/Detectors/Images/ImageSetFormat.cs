using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace NeuralSec.Detectors.Images;

/// <summary>
/// A small file of images (STRIP's overlay pool, benign and adversarial sets for calibration): gzip of an ASCII
/// magic, four little-endian uint32 — count, channels, height, width — then count·channels·height·width values
/// in NCHW order. Magic <c>NSIMAGE1</c>: uint8 pixels, 0–255 mapping linearly onto [0, 1] — what real images
/// carry, a 100-digit MNIST pool in a few kilobytes. Magic <c>NSIMAGF1</c>: little-endian float32 values as the
/// model sees them — for adversarial examples, whose perturbations 8 bits would blur.
/// </summary>
public static class ImageSetFormat
{
    private const string Magic = "NSIMAGE1";
    private const string FloatMagic = "NSIMAGF1";
    private const int MaxPixels = 256 * 1024 * 1024;

    /// <summary>Writes <paramref name="images"/> (values in [0, 1]) as uint8, or as float32 when
    /// <paramref name="exact"/>.</summary>
    public static void Write(System.IO.Stream destination, ImageBatch images, bool exact = false)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(images);
        using var gzip = new GZipStream(destination, CompressionLevel.SmallestSize, leaveOpen: true);
        Span<byte> header = stackalloc byte[24];
        Encoding.ASCII.GetBytes(exact ? FloatMagic : Magic, header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], (uint)images.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], (uint)images.Channels);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], (uint)images.Height);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], (uint)images.Width);
        gzip.Write(header);
        var source = images.Layout == ImageLayout.Nchw ? images.Span : ToNchw(images);
        if (exact)
        {
            gzip.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(source));
            return;
        }

        var pixels = new byte[images.Span.Length];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)Math.Clamp(MathF.Round(source[i] * 255f), 0f, 255f);
        }

        gzip.Write(pixels);
    }

    /// <exception cref="InvalidDataException">Not an image set, or truncated.</exception>
    public static ImageBatch Read(System.IO.Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var gzip = new GZipStream(source, CompressionMode.Decompress, leaveOpen: true);
        Span<byte> header = stackalloc byte[24];
        gzip.ReadExactly(header);
        var magic = Encoding.ASCII.GetString(header[..8]);
        if (magic is not (Magic or FloatMagic))
        {
            throw new InvalidDataException($"not an image set (no {Magic} or {FloatMagic} header)");
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

        var data = new float[total];
        var pixels = magic == FloatMagic ? null : new byte[total];
        try
        {
            gzip.ReadExactly(pixels ?? System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("image set is truncated", ex);
        }

        if (pixels is not null)
        {
            for (var i = 0; i < data.Length; i++)
            {
                data[i] = pixels[i] / 255f;
            }
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
