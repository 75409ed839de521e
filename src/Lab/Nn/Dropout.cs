namespace NeuralSec.Lab.Nn;

/// <summary>
/// Inverted dropout: during training zeroes units with probability <see cref="Rate"/> and scales the rest by 1/(1−rate),
/// so inference is the identity (and the ONNX export simply omits the layer).
/// </summary>
public sealed class Dropout : ILayer
{
    private readonly Random _rng;
    private float[] _mask = [];

    public Dropout(float rate, int seed)
    {
        Rate = rate;
        _rng = new Random(seed);
    }

    public float Rate { get; }

    /// <summary>Off by default so attacks and evaluation see the deployed (deterministic) function.</summary>
    public bool Training { get; set; }

    public IReadOnlyList<Parameter> Parameters => [];

    public int[] OutputShape(int[] inputShape) => inputShape;

    public Tensor Forward(Tensor input)
    {
        if (!Training)
        {
            _mask = [];
            return input;
        }

        var output = new Tensor(input.Shape);
        _mask = new float[input.Data.Length];
        var keep = 1f / (1f - Rate);
        for (var i = 0; i < _mask.Length; i++)
        {
            _mask[i] = _rng.NextDouble() < Rate ? 0f : keep;
            output.Data[i] = input.Data[i] * _mask[i];
        }

        return output;
    }

    public Tensor Backward(Tensor gradOutput, bool accumulateParameterGradients)
    {
        if (_mask.Length == 0)
        {
            return gradOutput;
        }

        var dx = new Tensor(gradOutput.Shape);
        for (var i = 0; i < _mask.Length; i++)
        {
            dx.Data[i] = gradOutput.Data[i] * _mask[i];
        }

        return dx;
    }
}
