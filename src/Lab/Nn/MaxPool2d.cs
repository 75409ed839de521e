namespace NeuralSec.Lab.Nn;

/// <summary>2×2 max pooling with stride 2 (odd trailing rows/columns are dropped, as ONNX floor mode does).</summary>
public sealed class MaxPool2d : ILayer
{
    private int[] _inputShape = [];
    private int[] _argmax = [];

    public IReadOnlyList<Parameter> Parameters => [];

    public int[] OutputShape(int[] inputShape) => [inputShape[0], inputShape[1] / 2, inputShape[2] / 2];

    public Tensor Forward(Tensor input)
    {
        _inputShape = input.Shape;
        var (n, c, h, w) = (input.Shape[0], input.Shape[1], input.Shape[2], input.Shape[3]);
        var (oh, ow) = (h / 2, w / 2);
        var output = new Tensor([n, c, oh, ow]);
        _argmax = new int[output.Data.Length];
        var x = input.Data;
        var y = output.Data;
        Chunks.Run(n * c, (_, s, e) =>
        {
            for (var plane = s; plane < e; plane++)
            {
                var ib = plane * h * w;
                var ob = plane * oh * ow;
                for (var oy = 0; oy < oh; oy++)
                {
                    for (var ox = 0; ox < ow; ox++)
                    {
                        var best = ib + 2 * oy * w + 2 * ox;
                        // Ties keep the first (row-major) element, matching the ONNX Runtime kernel.
                        foreach (var cand in (ReadOnlySpan<int>)[best + 1, best + w, best + w + 1])
                        {
                            if (x[cand] > x[best])
                            {
                                best = cand;
                            }
                        }

                        y[ob + oy * ow + ox] = x[best];
                        _argmax[ob + oy * ow + ox] = best;
                    }
                }
            }
        });
        return output;
    }

    public Tensor Backward(Tensor gradOutput, bool accumulateParameterGradients)
    {
        var dx = new Tensor(_inputShape);
        var g = gradOutput.Data;
        for (var i = 0; i < g.Length; i++)
        {
            dx.Data[_argmax[i]] += g[i];
        }

        return dx;
    }
}
