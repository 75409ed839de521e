namespace NeuralSec.Detectors.Images;

/// <summary>
/// Decides whether a tensor shape (or a policy's shape pattern with -1 wildcards) is an image batch the image defenses can
/// work on: rank 4, 1 or 3 channels. The policy validator calls <see cref="Check"/> on the declared input shape so a
/// policy that puts an image defense in front of a non-image tensor fails validation instead of every request.
/// </summary>
public static class ImageTensorShape
{
    /// <summary>Largest height or width accepted; far above any vision model's input, small enough that
    /// per-image scratch buffers can never be huge.</summary>
    public const int MaxSide = 8192;

    /// <summary>Null when <paramref name="shape"/> (concrete, or a pattern with -1) is an image batch in the given layout
    /// (inferred when null); otherwise a message fit for an operator.</summary>
    public static string? Check(ReadOnlySpan<long> shape, ImageLayout? layout = null) =>
        TryResolve(shape, layout, out _, out var error) ? null : error;

    /// <summary>The layout a shape has: <paramref name="declared"/> when given, otherwise NCHW when dimension 1 is 1 or 3,
    /// else NHWC when the last dimension is 1 or 3 (ONNX models are NCHW, so ties go to NCHW).</summary>
    public static bool TryResolve(ReadOnlySpan<long> shape, ImageLayout? declared, out ImageLayout layout, out string error)
    {
        layout = declared ?? ImageLayout.Nchw;
        var text = Tensors.TensorShape.Format(shape);
        if (shape.Length != 4)
        {
            error = $"not an image tensor: image defenses need a rank-4 [N,C,H,W] or [N,H,W,C] tensor, got shape {text}";
            return false;
        }

        if (declared is null)
        {
            if (shape[1] is 1 or 3 or -1)
            {
                layout = ImageLayout.Nchw;
            }
            else if (shape[3] is 1 or 3 or -1)
            {
                layout = ImageLayout.Nhwc;
            }
            else
            {
                error = $"not an image tensor: shape {text} has neither 1 nor 3 channels in dimension 1 (NCHW) or 3 (NHWC)";
                return false;
            }
        }

        var (c, h, w) = layout == ImageLayout.Nchw ? (shape[1], shape[2], shape[3]) : (shape[3], shape[1], shape[2]);
        if (c is not (1 or 3 or -1))
        {
            error = $"not an image tensor: shape {text} in {layout} layout has {c} channels; image defenses take 1 (grey) or 3 (RGB)";
            return false;
        }

        if (h is 0 or < -1 or > MaxSide || w is 0 or < -1 or > MaxSide)
        {
            error = $"not an image tensor: shape {text} in {layout} layout needs height and width in 1..{MaxSide}";
            return false;
        }

        error = string.Empty;
        return true;
    }
}
