using System.Buffers;

namespace NeuralSec.Detectors.Images;

/// <summary>
/// A batch's images as canonical NCHW pixel-unit planes for the duration of one transform: the batch's own memory when it is
/// already canonical (no copy), otherwise a pooled copy that <see cref="Commit"/> converts back. Dispose returns the buffer.
/// </summary>
internal ref struct PixelPlanes
{
    private readonly ImageBatch _batch;
    private float[]? _rented;

    private PixelPlanes(ImageBatch batch, Span<float> span, float[]? rented)
    {
        _batch = batch;
        Span = span;
        _rented = rented;
    }

    /// <summary>All planes, image after image, channel after channel.</summary>
    public Span<float> Span { get; }

    public static PixelPlanes Acquire(ImageBatch batch)
    {
        if (PixelSpace.IsCanonical(batch))
        {
            return new PixelPlanes(batch, batch.Span, null);
        }

        var rented = ArrayPool<float>.Shared.Rent(batch.Data.Length);
        var span = rented.AsSpan(0, batch.Data.Length);
        PixelSpace.ToPixels(batch, span);
        return new PixelPlanes(batch, span, rented);
    }

    /// <summary>Plane of channel <paramref name="channel"/> of image <paramref name="image"/>.</summary>
    public readonly Span<float> Plane(int image, int channel) =>
        Span.Slice((image * _batch.ImageSize) + (channel * _batch.PlaneSize), _batch.PlaneSize);

    /// <summary>Writes the transformed planes back into the batch (nothing to do when they were the batch's own memory).</summary>
    public readonly void Commit()
    {
        if (_rented is not null)
        {
            PixelSpace.FromPixels(Span, _batch);
        }
    }

    public void Dispose()
    {
        if (_rented is not null)
        {
            ArrayPool<float>.Shared.Return(_rented);
            _rented = null;
        }
    }
}
