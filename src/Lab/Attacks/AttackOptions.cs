namespace NeuralSec.Lab.Attacks;

/// <summary>
/// L∞ gradient attack settings. FGSM is the one-step, no-random-start case (<see cref="Fgsm"/>); one step with a random
/// start is the "fast" adversarial training attack (<see cref="FgsmRandomStart"/>).
/// </summary>
public sealed record AttackOptions
{
    public float Epsilon { get; init; } = 0.1f;

    public int Steps { get; init; } = 40;

    /// <summary>Step size α; null means 2.5·ε/steps (Madry et al.'s rule of thumb).</summary>
    public float? StepSize { get; init; }

    public bool RandomStart { get; init; } = true;

    public AttackLoss Loss { get; init; } = AttackLoss.CrossEntropy;

    /// <summary>Divide logits by this before the softmax in the loss (attacking a distilled model "at T").</summary>
    public float Temperature { get; init; } = 1f;

    public int Seed { get; init; } = 1;

    public int BatchSize { get; init; } = 250;

    public float Alpha => StepSize ?? 2.5f * Epsilon / Steps;

    public static AttackOptions Fgsm(float epsilon) => new() { Epsilon = epsilon, Steps = 1, StepSize = epsilon, RandomStart = false };

    public static AttackOptions Pgd(float epsilon, int steps = 40) => new() { Epsilon = epsilon, Steps = steps };

    /// <summary>
    /// Wong, Rice and Kolter's FGSM with random start ("Fast is better than free", 2020): uniform start in the ε-ball,
    /// one signed-gradient step of α = <paramref name="stepRatio"/>·ε, projection back to the ε-ball and [0,1].
    /// </summary>
    public static AttackOptions FgsmRandomStart(float epsilon, float stepRatio = 1.25f)
        => new() { Epsilon = epsilon, Steps = 1, StepSize = stepRatio * epsilon, RandomStart = true };

    /// <summary>The same attack at another radius; a fixed step size is scaled with it, so α/ε stays the same.</summary>
    public AttackOptions WithEpsilon(float epsilon) => this with
    {
        Epsilon = epsilon,
        StepSize = StepSize is { } alpha && Epsilon > 0 ? alpha * epsilon / Epsilon : StepSize,
    };
}
