namespace NeuralSec.Lab.Training;

internal sealed record ClassifierTrainingOptions
{
    public int Epochs { get; init; } = 12;

    public int BatchSize { get; init; } = 64;

    public float LearningRate { get; init; } = 2e-3f;

    /// <summary>Cosine decay from <see cref="LearningRate"/> down to this fraction of it.</summary>
    public float FinalLearningRateFraction { get; init; } = 0.02f;

    /// <summary>Maximum random translation in pixels (0 disables augmentation).</summary>
    public int MaxShift { get; init; } = 2;

    /// <summary>Maximum random rotation in degrees; with <see cref="MaxScale"/> switches shifts to bilinear affine jitter.</summary>
    public float MaxRotation { get; init; }

    /// <summary>Maximum relative scale change (0.1 = ×0.9–×1.1).</summary>
    public float MaxScale { get; init; }

    /// <summary>Softmax temperature used in the loss (distillation trains at T=20, deploys at T=1).</summary>
    public float Temperature { get; init; } = 1f;

    /// <summary>Per-train-digit soft targets [N,10] (distillation); null trains on the hard labels.</summary>
    public float[]? SoftTargets { get; init; }

    /// <summary>When set, every step also trains on examples this attack (PGD, or FGSM with random start) makes against the current weights.</summary>
    public Attacks.AttackOptions? Adversarial { get; init; }

    /// <summary>Weight of the adversarial loss; the clean loss gets 1 − this.</summary>
    public float AdversarialWeight { get; init; } = 0.5f;

    /// <summary>
    /// Epochs over which the training attack's ε grows linearly, step by step, from 0 to <see cref="Adversarial"/>'s ε
    /// (a fixed step size grows with it); 0 attacks at full ε from the first step.
    /// </summary>
    public float AdversarialRampEpochs { get; init; }

    /// <summary>Early stopping on accuracy under a multi-step attack; null trains all <see cref="Epochs"/> and keeps the last weights.</summary>
    public RobustnessCheck? Check { get; init; }

    public int Seed { get; init; } = 1;
}
