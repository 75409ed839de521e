using System.Numerics.Tensors;

namespace NeuralSec.Lab.Nn;

/// <summary>Fully connected layer y = x·Wᵀ + b with W stored [out,in] (ONNX Gemm, transB=1).</summary>
public sealed class Dense : ILayer
{
    private Tensor? _input;

    public Dense(int inFeatures, int outFeatures)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = new Parameter("W", [outFeatures, inFeatures]);
        Bias = new Parameter("B", [outFeatures]);
    }

    public int InFeatures { get; }

    public int OutFeatures { get; }

    public Parameter Weight { get; }

    public Parameter Bias { get; }

    public IReadOnlyList<Parameter> Parameters => [Weight, Bias];

    public int[] OutputShape(int[] inputShape)
    {
        if (Tensor.Volume(inputShape) != InFeatures)
        {
            throw new ArgumentException($"Dense expects {InFeatures} features, got [{string.Join(",", inputShape)}]");
        }

        return [OutFeatures];
    }

    public Tensor Forward(Tensor input)
    {
        _input = input;
        var n = input.Batch;
        var wt = new float[InFeatures * OutFeatures];
        Gemm.Transpose(Weight.Value, wt, OutFeatures, InFeatures);
        var output = new Tensor([n, OutFeatures]);
        for (var i = 0; i < n; i++)
        {
            Bias.Value.CopyTo(output.Data, i * OutFeatures);
        }

        Gemm.Multiply(input.Data, wt, output.Data, n, InFeatures, OutFeatures, accumulate: true);
        return output;
    }

    public Tensor Backward(Tensor gradOutput, bool accumulateParameterGradients)
    {
        var input = _input ?? throw new InvalidOperationException("Backward before Forward");
        var n = input.Batch;
        var dx = new Tensor(input.Shape);
        Gemm.Multiply(gradOutput.Data, Weight.Value, dx.Data, n, OutFeatures, InFeatures, accumulate: false);
        if (accumulateParameterGradients)
        {
            var gt = new float[OutFeatures * n];
            Gemm.Transpose(gradOutput.Data, gt, n, OutFeatures);
            Gemm.Multiply(gt, input.Data, Weight.Grad, OutFeatures, n, InFeatures, accumulate: true);
            for (var i = 0; i < n; i++)
            {
                TensorPrimitives.Add(Bias.Grad, gradOutput.Data.AsSpan(i * OutFeatures, OutFeatures), Bias.Grad);
            }
        }

        return dx;
    }
}
