namespace NeuralSec.Lab.Nn;

/// <summary>2×2 average pooling with stride 2.</summary>
public sealed class AvgPool2d : ILayer
{
    private int[] _inputShape = [];

    public IReadOnlyList<Parameter> Parameters => [];

    public int[] OutputShape(int[] inputShape) => [inputShape[0], inputShape[1] / 2, inputShape[2] / 2];

    public Tensor Forward(Tensor input)
    {
        _inputShape = input.Shape;
        var (n, c, h, w) = (input.Shape[0], input.Shape[1], input.Shape[2], input.Shape[3]);
        var (oh, ow) = (h / 2, w / 2);
        var output = new Tensor([n, c, oh, ow]);
        var x = input.Data;
        var y = output.Data;
        for (var plane = 0; plane < n * c; plane++)
        {
            var ib = plane * h * w;
            var ob = plane * oh * ow;
            for (var oy = 0; oy < oh; oy++)
            {
                for (var ox = 0; ox < ow; ox++)
                {
                    var i = ib + 2 * oy * w + 2 * ox;
                    y[ob + oy * ow + ox] = 0.25f * (x[i] + x[i + 1] + x[i + w] + x[i + w + 1]);
                }
            }
        }

        return output;
    }

    public Tensor Backward(Tensor gradOutput, bool accumulateParameterGradients)
    {
        var (n, c, h, w) = (_inputShape[0], _inputShape[1], _inputShape[2], _inputShape[3]);
        var (oh, ow) = (h / 2, w / 2);
        var dx = new Tensor(_inputShape);
        var g = gradOutput.Data;
        for (var plane = 0; plane < n * c; plane++)
        {
            var ib = plane * h * w;
            var ob = plane * oh * ow;
            for (var oy = 0; oy < oh; oy++)
            {
                for (var ox = 0; ox < ow; ox++)
                {
                    var v = 0.25f * g[ob + oy * ow + ox];
                    var i = ib + 2 * oy * w + 2 * ox;
                    dx.Data[i] = v;
                    dx.Data[i + 1] = v;
                    dx.Data[i + w] = v;
                    dx.Data[i + w + 1] = v;
                }
            }
        }

        return dx;
    }
}
