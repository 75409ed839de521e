namespace NeuralSec.Lab.Nn;

/// <summary>
/// One differentiable stage. Forward keeps whatever Backward needs, so a layer instance serves one
/// batch at a time; Backward returns the gradient with respect to the layer input.
/// </summary>
public interface ILayer
{
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Output shape for one item (no batch dimension).</summary>
    int[] OutputShape(int[] inputShape);

    Tensor Forward(Tensor input);

    /// <param name="gradOutput">dLoss/dOutput for the last Forward batch.</param>
    /// <param name="accumulateParameterGradients">False for attacks, which need only dLoss/dInput.</param>
    Tensor Backward(Tensor gradOutput, bool accumulateParameterGradients);
}
