using System.Numerics.Tensors;

namespace NeuralSec.Lab.Nn;

/// <summary>Stride-1 2-D convolution with square kernels and symmetric zero padding (NCHW).</summary>
public sealed class Conv2d : ILayer
{
    private Tensor? _input;
    private float[][] _cols = [];

    public Conv2d(int inChannels, int outChannels, int kernel, int pad)
    {
        InChannels = inChannels;
        OutChannels = outChannels;
        Kernel = kernel;
        Pad = pad;
        Weight = new Parameter("W", [outChannels, inChannels, kernel, kernel]);
        Bias = new Parameter("B", [outChannels]);
    }

    public int InChannels { get; }

    public int OutChannels { get; }

    public int Kernel { get; }

    public int Pad { get; }

    public Parameter Weight { get; }

    public Parameter Bias { get; }

    public ConvAlgorithm Algorithm { get; set; } = ConvAlgorithm.Im2ColGemm;

    public IReadOnlyList<Parameter> Parameters => [Weight, Bias];

    public int[] OutputShape(int[] inputShape)
    {
        if (inputShape.Length != 3 || inputShape[0] != InChannels)
        {
            throw new ArgumentException($"Conv2d expects [{InChannels},H,W] items, got [{string.Join(",", inputShape)}]");
        }

        return [OutChannels, inputShape[1] + 2 * Pad - Kernel + 1, inputShape[2] + 2 * Pad - Kernel + 1];
    }

    public Tensor Forward(Tensor input)
    {
        var (c, h, w, oh, ow) = Dims(input);
        var n = input.Batch;
        var output = new Tensor([n, OutChannels, oh, ow]);
        _input = input;
        if (Algorithm == ConvAlgorithm.Naive)
        {
            Chunks.Run(n, (_, s, e) =>
            {
                for (var i = s; i < e; i++)
                {
                    NaiveForward(input.Item(i), output.Item(i), c, h, w, oh, ow);
                }
            });
            return output;
        }

        var ckk = c * Kernel * Kernel;
        var p = oh * ow;
        EnsureCols(n, ckk * p);
        Chunks.Run(n, (_, s, e) =>
        {
            for (var i = s; i < e; i++)
            {
                Im2Col.Unfold(input.Item(i), _cols[i], c, h, w, Kernel, Pad, oh, ow);
                var y = output.Item(i);
                for (var o = 0; o < OutChannels; o++)
                {
                    y.Slice(o * p, p).Fill(Bias.Value[o]);
                }

                Gemm.Multiply(Weight.Value, _cols[i], y, OutChannels, ckk, p, accumulate: true);
            }
        });
        return output;
    }

    public Tensor Backward(Tensor gradOutput, bool accumulateParameterGradients)
    {
        var input = _input ?? throw new InvalidOperationException("Backward before Forward");
        var (c, h, w, oh, ow) = Dims(input);
        var n = input.Batch;
        var ckk = c * Kernel * Kernel;
        var p = oh * ow;
        var gradInput = new Tensor(input.Shape);
        var chunks = Chunks.For(n);
        var dW = accumulateParameterGradients ? new float[chunks][] : null;
        var dB = accumulateParameterGradients ? new float[chunks][] : null;

        if (Algorithm == ConvAlgorithm.Naive)
        {
            Chunks.Run(n, (chunk, s, e) =>
            {
                var pw = dW is null ? null : dW[chunk] = new float[Weight.Value.Length];
                var pb = dB is null ? null : dB[chunk] = new float[OutChannels];
                for (var i = s; i < e; i++)
                {
                    NaiveBackward(input.Item(i), gradOutput.Item(i), gradInput.Item(i), pw, pb, c, h, w, oh, ow);
                }
            });
        }
        else
        {
            var wt = new float[ckk * OutChannels];
            Gemm.Transpose(Weight.Value, wt, OutChannels, ckk);
            Chunks.Run(n, (chunk, s, e) =>
            {
                var dcol = new float[ckk * p];
                var colT = accumulateParameterGradients ? new float[p * ckk] : null;
                var pw = dW is null ? null : dW[chunk] = new float[Weight.Value.Length];
                var pb = dB is null ? null : dB[chunk] = new float[OutChannels];
                for (var i = s; i < e; i++)
                {
                    var dy = gradOutput.Item(i);
                    Gemm.Multiply(wt, dy, dcol, ckk, OutChannels, p, accumulate: false);
                    Im2Col.Fold(dcol, gradInput.Item(i), c, h, w, Kernel, Pad, oh, ow);
                    if (pw is not null && pb is not null && colT is not null)
                    {
                        Gemm.Transpose(_cols[i], colT, ckk, p);
                        Gemm.Multiply(dy, colT, pw, OutChannels, p, ckk, accumulate: true);
                        for (var o = 0; o < OutChannels; o++)
                        {
                            pb[o] += TensorPrimitives.Sum(dy.Slice(o * p, p));
                        }
                    }
                }
            });
        }

        if (dW is not null && dB is not null)
        {
            for (var chunk = 0; chunk < chunks; chunk++)
            {
                TensorPrimitives.Add(Weight.Grad, dW[chunk], Weight.Grad);
                TensorPrimitives.Add(Bias.Grad, dB[chunk], Bias.Grad);
            }
        }

        return gradInput;
    }

    private (int C, int H, int W, int OH, int OW) Dims(Tensor input)
    {
        if (input.Shape.Length != 4)
        {
            throw new ArgumentException($"Conv2d expects NCHW input, got rank {input.Shape.Length}");
        }

        var o = OutputShape(input.Shape[1..]);
        return (input.Shape[1], input.Shape[2], input.Shape[3], o[1], o[2]);
    }

    private void EnsureCols(int n, int size)
    {
        if (_cols.Length < n || (_cols.Length > 0 && _cols[0].Length != size))
        {
            _cols = new float[n][];
            for (var i = 0; i < n; i++)
            {
                _cols[i] = new float[size];
            }
        }
    }

    private void NaiveForward(ReadOnlySpan<float> x, Span<float> y, int c, int h, int w, int oh, int ow)
    {
        var wv = Weight.Value;
        for (var o = 0; o < OutChannels; o++)
        {
            for (var oy = 0; oy < oh; oy++)
            {
                for (var ox = 0; ox < ow; ox++)
                {
                    var s = Bias.Value[o];
                    for (var ch = 0; ch < c; ch++)
                    {
                        for (var ki = 0; ki < Kernel; ki++)
                        {
                            var iy = oy + ki - Pad;
                            if (iy < 0 || iy >= h)
                            {
                                continue;
                            }

                            for (var kj = 0; kj < Kernel; kj++)
                            {
                                var ix = ox + kj - Pad;
                                if (ix >= 0 && ix < w)
                                {
                                    s += wv[((o * c + ch) * Kernel + ki) * Kernel + kj] * x[(ch * h + iy) * w + ix];
                                }
                            }
                        }
                    }

                    y[(o * oh + oy) * ow + ox] = s;
                }
            }
        }
    }

    private void NaiveBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, float[]? dw, float[]? db, int c, int h, int w, int oh, int ow)
    {
        var wv = Weight.Value;
        dx.Clear();
        for (var o = 0; o < OutChannels; o++)
        {
            for (var oy = 0; oy < oh; oy++)
            {
                for (var ox = 0; ox < ow; ox++)
                {
                    var g = dy[(o * oh + oy) * ow + ox];
                    if (db is not null)
                    {
                        db[o] += g;
                    }

                    for (var ch = 0; ch < c; ch++)
                    {
                        for (var ki = 0; ki < Kernel; ki++)
                        {
                            var iy = oy + ki - Pad;
                            if (iy < 0 || iy >= h)
                            {
                                continue;
                            }

                            for (var kj = 0; kj < Kernel; kj++)
                            {
                                var ix = ox + kj - Pad;
                                if (ix < 0 || ix >= w)
                                {
                                    continue;
                                }

                                var wi = ((o * c + ch) * Kernel + ki) * Kernel + kj;
                                var xi = (ch * h + iy) * w + ix;
                                dx[xi] += g * wv[wi];
                                if (dw is not null)
                                {
                                    dw[wi] += g * x[xi];
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
