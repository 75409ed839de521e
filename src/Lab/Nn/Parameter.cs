namespace NeuralSec.Lab.Nn;

/// <summary>A trainable weight array with its accumulated gradient.</summary>
public sealed class Parameter
{
    public Parameter(string name, int[] shape)
    {
        Name = name;
        Shape = shape;
        Value = new float[Tensor.Volume(shape)];
        Grad = new float[Value.Length];
    }

    public string Name { get; }

    public int[] Shape { get; }

    public float[] Value { get; }

    public float[] Grad { get; }

    public void ZeroGrad() => Array.Clear(Grad);
}
