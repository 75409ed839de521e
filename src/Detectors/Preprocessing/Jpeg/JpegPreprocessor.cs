using System.Buffers;
using NeuralSec.Detectors.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuralSec.Detectors.Preprocessing.Jpeg;

/// <summary>
/// JPEG re-encoding (Dziugaite et al., Das et al.; ART JpegCompression) with a real codec. Each image is de-normalised to
/// 0–255 by the batch's <see cref="ImageScaling"/>, encoded in memory (grey → luminance-only JPEG, RGB → YCbCr 4:2:0 like
/// PIL's default), decoded, and mapped back — so a standardised input keeps its range; only values outside the declared pixel
/// range are clipped, which a real image never has. Only our own encoder's output is ever decoded: no attacker bytes reach
/// the decoder.
/// </summary>
internal sealed class JpegPreprocessor : IPreprocessor
{
    private readonly JpegEncoder _grey;
    private readonly JpegEncoder _colour;

    public JpegPreprocessor(JpegOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Quality, 100);
        Options = options;
        _grey = new JpegEncoder { Quality = options.Quality, ColorType = JpegColorType.Luminance };
        _colour = new JpegEncoder { Quality = options.Quality, ColorType = JpegColorType.YCbCrRatio420 };
    }

    public JpegOptions Options { get; }

    public string Type => JpegDefinition.Type;

    public bool IsRandomized => false;

    public void Apply(ImageBatch batch, Random random)
    {
        int plane = batch.PlaneSize, channels = batch.Channels;
        var bytes = ArrayPool<byte>.Shared.Rent(plane * channels);
        using var stream = new MemoryStream();
        using var planes = PixelPlanes.Acquire(batch);
        try
        {
            for (var n = 0; n < batch.Count; n++)
            {
                var interleaved = bytes.AsSpan(0, plane * channels);
                for (var c = 0; c < channels; c++)
                {
                    var source = planes.Plane(n, c);
                    for (var i = 0; i < plane; i++)
                    {
                        interleaved[(i * channels) + c] = ToByte(source[i]);
                    }
                }

                stream.SetLength(0);
                if (channels == 1)
                {
                    RoundTrip<L8>(interleaved, batch.Width, batch.Height, _grey, stream);
                }
                else
                {
                    RoundTrip<Rgb24>(interleaved, batch.Width, batch.Height, _colour, stream);
                }

                for (var c = 0; c < channels; c++)
                {
                    var target = planes.Plane(n, c);
                    for (var i = 0; i < plane; i++)
                    {
                        target[i] = interleaved[(i * channels) + c] * (1f / 255f);
                    }
                }
            }

            planes.Commit();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private static void RoundTrip<TPixel>(Span<byte> pixels, int width, int height, JpegEncoder encoder, MemoryStream stream)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        using (var image = Image.LoadPixelData<TPixel>(pixels, width, height))
        {
            image.SaveAsJpeg(stream, encoder);
        }

        stream.Position = 0;
        using var decoded = Image.Load<TPixel>(stream);
        decoded.CopyPixelDataTo(pixels);
    }

    // Rounded (ART truncates with astype(uint8)); rounding is the faithful quantisation and keeps 8-bit inputs exact.
    private static byte ToByte(float pixel) => (byte)Math.Clamp(MathF.Round(pixel * 255f), 0f, 255f);
}
