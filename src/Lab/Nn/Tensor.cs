namespace NeuralSec.Lab.Nn;

/// <summary>A dense row-major float tensor whose first dimension is the batch.</summary>
public sealed class Tensor
{
    public Tensor(int[] shape)
        : this(shape, new float[Volume(shape)])
    {
    }

    public Tensor(int[] shape, float[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length != Volume(shape))
        {
            throw new ArgumentException($"data has {data.Length} values but shape [{string.Join(",", shape)}] needs {Volume(shape)}");
        }

        Shape = shape;
        Data = data;
    }

    public int[] Shape { get; }

    public float[] Data { get; }

    public int Batch => Shape[0];

    /// <summary>Values per batch item.</summary>
    public int ItemSize => Data.Length / Math.Max(1, Shape[0]);

    public Span<float> Item(int n) => Data.AsSpan(n * ItemSize, ItemSize);

    public static int Volume(ReadOnlySpan<int> shape)
    {
        var v = 1;
        foreach (var d in shape)
        {
            v = checked(v * d);
        }

        return v;
    }

    public static int[] WithBatch(int batch, int[] itemShape) => [batch, .. itemShape];
}
