namespace NeuralSec.Lab.Nn;

[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Justification = "Step is the optimizer's name for one update in every framework; the lab has no VB callers.")]
public interface IOptimizer
{
    float LearningRate { get; set; }

    /// <summary>Applies the accumulated gradients, then leaves them for the caller to zero.</summary>
    void Step();
}
