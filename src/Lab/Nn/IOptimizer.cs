namespace NeuralSec.Lab.Nn;

public interface IOptimizer
{
    float LearningRate { get; set; }

    /// <summary>Applies the accumulated gradients, then leaves them for the caller to zero.</summary>
    void Step();
}
