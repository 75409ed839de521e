namespace NeuralSec.Lab.Nn;

/// <summary>A feed-forward chain of layers over fixed-size NCHW items. Layers cache the last batch for Backward, so an instance serves one caller at a time.</summary>
public sealed class Network
{
    public Network(int[] inputShape, IReadOnlyList<ILayer> layers)
    {
        InputShape = inputShape;
        Layers = layers;
        var shape = inputShape;
        foreach (var layer in layers)
        {
            shape = layer.OutputShape(shape);
        }

        OutputShape = shape;
    }

    /// <summary>Item shape without the batch dimension, e.g. [1,28,28].</summary>
    public int[] InputShape { get; }

    public int[] OutputShape { get; }

    public IReadOnlyList<ILayer> Layers { get; }

    public IEnumerable<Parameter> Parameters => Layers.SelectMany(l => l.Parameters);

    public int ParameterCount => Parameters.Sum(p => p.Value.Length);

    public ConvAlgorithm ConvAlgorithm
    {
        set
        {
            foreach (var conv in Layers.OfType<Conv2d>())
            {
                conv.Algorithm = value;
            }
        }
    }

    /// <summary>Switches dropout on for the clean/adversarial training passes and off for everything else.</summary>
    public bool Training
    {
        set
        {
            foreach (var d in Layers.OfType<Dropout>())
            {
                d.Training = value;
            }
        }
    }

    public Tensor Forward(Tensor input)
    {
        if (input.ItemSize != Tensor.Volume(InputShape))
        {
            throw new ArgumentException($"network expects items of shape [{string.Join(",", InputShape)}]");
        }

        var x = input.Shape.Length == InputShape.Length + 1 ? input : new Tensor(Tensor.WithBatch(input.Batch, InputShape), input.Data);
        foreach (var layer in Layers)
        {
            x = layer.Forward(x);
        }

        return x;
    }

    /// <summary>Back-propagates dLoss/dOutput of the last Forward call and returns dLoss/dInput.</summary>
    public Tensor Backward(Tensor gradOutput, bool accumulateParameterGradients = true)
    {
        var g = gradOutput;
        for (var i = Layers.Count - 1; i >= 0; i--)
        {
            g = Layers[i].Backward(g, accumulateParameterGradients);
        }

        return g;
    }

    public void ZeroGrad()
    {
        foreach (var p in Parameters)
        {
            p.ZeroGrad();
        }
    }

    /// <summary>Forward in batches without keeping anything for training; returns all outputs concatenated.</summary>
    public float[] Predict(float[] images, int batchSize = 250)
    {
        var item = Tensor.Volume(InputShape);
        var outItem = Tensor.Volume(OutputShape);
        var n = images.Length / item;
        var result = new float[n * outItem];
        for (var s = 0; s < n; s += batchSize)
        {
            var b = Math.Min(batchSize, n - s);
            var x = new Tensor(Tensor.WithBatch(b, InputShape), images.AsSpan(s * item, b * item).ToArray());
            Forward(x).Data.CopyTo(result, s * outItem);
        }

        return result;
    }
}
