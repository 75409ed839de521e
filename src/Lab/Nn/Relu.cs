using System.Numerics.Tensors;

namespace NeuralSec.Lab.Nn;

public sealed class Relu : ILayer
{
    private Tensor? _output;

    public IReadOnlyList<Parameter> Parameters => [];

    public int[] OutputShape(int[] inputShape) => inputShape;

    public Tensor Forward(Tensor input)
    {
        var output = new Tensor(input.Shape);
        TensorPrimitives.Max(input.Data, 0f, output.Data);
        _output = output;
        return output;
    }

    public Tensor Backward(Tensor gradOutput, bool accumulateParameterGradients)
    {
        var y = (_output ?? throw new InvalidOperationException("Backward before Forward")).Data;
        var dx = new Tensor(gradOutput.Shape);
        var g = gradOutput.Data;
        for (var i = 0; i < g.Length; i++)
        {
            dx.Data[i] = y[i] > 0f ? g[i] : 0f;
        }

        return dx;
    }
}
