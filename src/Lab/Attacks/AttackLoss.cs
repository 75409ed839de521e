namespace NeuralSec.Lab.Attacks;

public enum AttackLoss
{
    /// <summary>Softmax cross-entropy of logits / <see cref="AttackOptions.Temperature"/>.</summary>
    CrossEntropy,

    /// <summary>Carlini–Wagner logit margin; immune to softmax saturation (defensive distillation).</summary>
    Margin,
}
