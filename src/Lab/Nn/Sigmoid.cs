namespace NeuralSec.Lab.Nn;

public sealed class Sigmoid : ILayer
{
    private Tensor? _output;

    public IReadOnlyList<Parameter> Parameters => [];

    public int[] OutputShape(int[] inputShape) => inputShape;

    public Tensor Forward(Tensor input)
    {
        var output = new Tensor(input.Shape);
        // Scalar exp rather than TensorPrimitives.Sigmoid: its vector approximation differs from ONNX Runtime's by more than we want to explain.
        for (var i = 0; i < input.Data.Length; i++)
        {
            output.Data[i] = 1f / (1f + MathF.Exp(-input.Data[i]));
        }

        _output = output;
        return output;
    }

    public Tensor Backward(Tensor gradOutput, bool accumulateParameterGradients)
    {
        var y = (_output ?? throw new InvalidOperationException("Backward before Forward")).Data;
        var dx = new Tensor(gradOutput.Shape);
        for (var i = 0; i < y.Length; i++)
        {
            dx.Data[i] = gradOutput.Data[i] * y[i] * (1f - y[i]);
        }

        return dx;
    }
}
