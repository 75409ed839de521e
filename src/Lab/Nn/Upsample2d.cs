namespace NeuralSec.Lab.Nn;

/// <summary>Nearest-neighbour ×2 upsampling (exported as ONNX Resize, nearest/asymmetric/floor).</summary>
public sealed class Upsample2d : ILayer
{
    private int[] _inputShape = [];

    public IReadOnlyList<Parameter> Parameters => [];

    public int[] OutputShape(int[] inputShape) => [inputShape[0], inputShape[1] * 2, inputShape[2] * 2];

    public Tensor Forward(Tensor input)
    {
        _inputShape = input.Shape;
        var (n, c, h, w) = (input.Shape[0], input.Shape[1], input.Shape[2], input.Shape[3]);
        var output = new Tensor([n, c, 2 * h, 2 * w]);
        var x = input.Data;
        var y = output.Data;
        for (var plane = 0; plane < n * c; plane++)
        {
            var ib = plane * h * w;
            var ob = plane * 4 * h * w;
            for (var oy = 0; oy < 2 * h; oy++)
            {
                for (var ox = 0; ox < 2 * w; ox++)
                {
                    y[ob + oy * 2 * w + ox] = x[ib + (oy / 2) * w + ox / 2];
                }
            }
        }

        return output;
    }

    public Tensor Backward(Tensor gradOutput, bool accumulateParameterGradients)
    {
        var (n, c, h, w) = (_inputShape[0], _inputShape[1], _inputShape[2], _inputShape[3]);
        var dx = new Tensor(_inputShape);
        var g = gradOutput.Data;
        for (var plane = 0; plane < n * c; plane++)
        {
            var ib = plane * h * w;
            var ob = plane * 4 * h * w;
            for (var oy = 0; oy < 2 * h; oy++)
            {
                for (var ox = 0; ox < 2 * w; ox++)
                {
                    dx.Data[ib + (oy / 2) * w + ox / 2] += g[ob + oy * 2 * w + ox];
                }
            }
        }

        return dx;
    }
}
