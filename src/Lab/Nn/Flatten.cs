namespace NeuralSec.Lab.Nn;

/// <summary>[N,C,H,W] → [N,C·H·W]; NCHW memory is already in that order, so only the shape changes.</summary>
public sealed class Flatten : ILayer
{
    private int[] _inputShape = [];

    public IReadOnlyList<Parameter> Parameters => [];

    public int[] OutputShape(int[] inputShape) => [Tensor.Volume(inputShape)];

    public Tensor Forward(Tensor input)
    {
        _inputShape = input.Shape;
        return new Tensor([input.Batch, input.ItemSize], input.Data);
    }

    public Tensor Backward(Tensor gradOutput, bool accumulateParameterGradients) => new(_inputShape, gradOutput.Data);
}
