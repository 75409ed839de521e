using System.Runtime.InteropServices;
using NeuralSec.Detectors.Tensors;

namespace NeuralSec.Detectors.Images;

/// <summary>
/// A batch of images as the defenses see it: FP32 elements in the model's own layout and scaling, over memory the batch does
/// not own (the request's copy, or a pooled buffer a detector rents). Preprocessors transform it in place; detectors only read it.
/// </summary>
public sealed class ImageBatch
{
    public ImageBatch(Memory<float> data, int count, int channels, int height, int width, ImageLayout layout = ImageLayout.Nchw, ImageScaling? scaling = null)
    {
        if (count < 0 || channels is not (1 or 3) || height is < 1 or > ImageTensorShape.MaxSide || width is < 1 or > ImageTensorShape.MaxSide)
        {
            throw new ArgumentException($"an image batch needs count ≥ 0, 1 or 3 channels and sides in 1..{ImageTensorShape.MaxSide}; got N={count} C={channels} H={height} W={width}");
        }

        // Sides are bounded above, so C·H·W cannot overflow; the product with the count can.
        var imageSize = channels * height * width;
        if ((long)count * imageSize != data.Length)
        {
            throw new ArgumentException($"image batch data has {data.Length} elements; N={count} C={channels} H={height} W={width} needs {(long)count * imageSize}", nameof(data));
        }

        Scaling = scaling ?? ImageScaling.UnitRange;
        if (Scaling.CheckChannels(channels) is { } scalingError)
        {
            throw new ArgumentException(scalingError, nameof(scaling));
        }

        Data = data;
        Count = count;
        Channels = channels;
        Height = height;
        Width = width;
        Layout = layout;
    }

    public Memory<float> Data { get; }

    public Span<float> Span => Data.Span;

    public int Count { get; }

    public int Channels { get; }

    public int Height { get; }

    public int Width { get; }

    public ImageLayout Layout { get; }

    public ImageScaling Scaling { get; }

    /// <summary>Elements per image (C·H·W).</summary>
    public int ImageSize => Channels * Height * Width;

    /// <summary>Pixels per channel plane (H·W).</summary>
    public int PlaneSize => Height * Width;

    /// <summary>The tensor shape in this batch's layout.</summary>
    public long[] Shape => Layout == ImageLayout.Nchw ? [Count, Channels, Height, Width] : [Count, Height, Width, Channels];

    /// <summary>A view of images [<paramref name="start"/>, start+count) over the same memory.</summary>
    public ImageBatch Slice(int start, int count) =>
        new(Data.Slice(start * ImageSize, count * ImageSize), count, Channels, Height, Width, Layout, Scaling);

    /// <summary>A batch of the same geometry and scaling over other memory (e.g. a pooled buffer of another count).</summary>
    public ImageBatch WithData(Memory<float> data, int count) => new(data, count, Channels, Height, Width, Layout, Scaling);

    /// <summary>A deep copy on a fresh array.</summary>
    public ImageBatch Clone() => WithData(Data.ToArray(), Count);

    /// <summary>Reads an FP32 image tensor (copying it, so the defenses may transform the copy in place).</summary>
    /// <exception cref="ImageTensorException">The tensor is not an FP32 image batch.</exception>
    public static ImageBatch FromTensor(InferenceTensor tensor, ImageLayout? layout = null, ImageScaling? scaling = null) =>
        TryFromTensor(tensor, layout, scaling, out var batch, out var error) ? batch : throw new ImageTensorException(error);

    /// <summary>As <see cref="FromTensor"/>, with the reason instead of an exception (the request path's style).</summary>
    public static bool TryFromTensor(InferenceTensor tensor, ImageLayout? layout, ImageScaling? scaling, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ImageBatch? batch, out string error)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        batch = null;
        if (tensor.DataType != TensorDataType.FP32)
        {
            error = $"image defenses need an FP32 tensor; '{tensor.Name}' is {tensor.DataType.ToWireName()}";
            return false;
        }

        var shape = tensor.ShapeSpan;
        if (!ImageTensorShape.TryResolve(shape, layout, out var resolved, out error))
        {
            error = $"'{tensor.Name}': {error}";
            return false;
        }

        if (shape.Contains(-1))
        {
            error = $"'{tensor.Name}': shape {TensorShape.Format(shape)} is not concrete";
            return false;
        }

        var (c, h, w) = resolved == ImageLayout.Nchw ? (shape[1], shape[2], shape[3]) : (shape[3], shape[1], shape[2]);
        var elements = TensorShape.TryElementCount(shape, Array.MaxLength);
        if (elements is null || shape[0] > int.MaxValue || elements.Value * sizeof(float) != tensor.Data.Length)
        {
            error = $"'{tensor.Name}': shape {TensorShape.Format(shape)} does not match its {tensor.Data.Length} data bytes";
            return false;
        }

        var scale = scaling ?? ImageScaling.UnitRange;
        if (scale.CheckChannels((int)c) is { } scalingError)
        {
            error = $"'{tensor.Name}': {scalingError}";
            return false;
        }

        var data = new float[elements.Value];
        MemoryMarshal.Cast<byte, float>(tensor.Data.Span).CopyTo(data);
        batch = new ImageBatch(data, (int)shape[0], (int)c, (int)h, (int)w, resolved, scale);
        error = string.Empty;
        return true;
    }

    /// <summary>The images in canonical form — NCHW planes in pixel units [0, 1] — whatever the batch's layout and
    /// scaling: what the query-stream detectors compare.</summary>
    public float[] ToPixels()
    {
        var pixels = new float[Count * ImageSize];
        PixelSpace.ToPixels(this, pixels);
        return pixels;
    }

    /// <summary>The batch as an FP32 tensor in its own layout (a copy of the current values).</summary>
    public InferenceTensor ToTensor(string name) => InferenceTensor.FromFloats(name, Shape, Span);
}
