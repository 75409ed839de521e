namespace NeuralSec.Lab.Nn;

/// <summary>Unfolds one CHW image into a [C·k·k, OH·OW] matrix for stride-1, zero-padded convolution.</summary>
internal static class Im2Col
{
    public static void Unfold(ReadOnlySpan<float> x, Span<float> col, int c, int h, int w, int k, int pad, int oh, int ow)
    {
        var p = oh * ow;
        for (var ch = 0; ch < c; ch++)
        {
            for (var ki = 0; ki < k; ki++)
            {
                for (var kj = 0; kj < k; kj++)
                {
                    var row = col.Slice(((ch * k + ki) * k + kj) * p, p);
                    // Valid output columns for this kernel tap: ix = ox + kj - pad within [0, w).
                    var oxStart = Math.Max(0, pad - kj);
                    var oxEnd = Math.Min(ow, w + pad - kj);
                    for (var oy = 0; oy < oh; oy++)
                    {
                        var seg = row.Slice(oy * ow, ow);
                        var iy = oy + ki - pad;
                        if (iy < 0 || iy >= h || oxEnd <= oxStart)
                        {
                            seg.Clear();
                            continue;
                        }

                        seg[..oxStart].Clear();
                        x.Slice((ch * h + iy) * w + oxStart + kj - pad, oxEnd - oxStart).CopyTo(seg[oxStart..]);
                        seg[oxEnd..].Clear();
                    }
                }
            }
        }
    }

    /// <summary>Adjoint of <see cref="Unfold"/>: adds each column entry back onto the pixel it came from.</summary>
    public static void Fold(ReadOnlySpan<float> col, Span<float> dx, int c, int h, int w, int k, int pad, int oh, int ow)
    {
        dx[..(c * h * w)].Clear();
        var p = oh * ow;
        for (var ch = 0; ch < c; ch++)
        {
            for (var ki = 0; ki < k; ki++)
            {
                for (var kj = 0; kj < k; kj++)
                {
                    var row = col.Slice(((ch * k + ki) * k + kj) * p, p);
                    var oxStart = Math.Max(0, pad - kj);
                    var oxEnd = Math.Min(ow, w + pad - kj);
                    if (oxEnd <= oxStart)
                    {
                        continue;
                    }

                    for (var oy = 0; oy < oh; oy++)
                    {
                        var iy = oy + ki - pad;
                        if (iy < 0 || iy >= h)
                        {
                            continue;
                        }

                        var src = row.Slice(oy * ow + oxStart, oxEnd - oxStart);
                        var dst = dx.Slice((ch * h + iy) * w + oxStart + kj - pad, oxEnd - oxStart);
                        System.Numerics.Tensors.TensorPrimitives.Add(dst, src, dst);
                    }
                }
            }
        }
    }
}
