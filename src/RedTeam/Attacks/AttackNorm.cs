namespace NeuralSec.RedTeam.Attacks;

/// <summary>The perturbation budget of <see cref="JointAdaptiveAttack"/>: what its ε measures.</summary>
internal enum AttackNorm
{
    /// <summary>ε is the largest change of any pixel (PGD, sign steps).</summary>
    LInf,

    /// <summary>ε is the Euclidean length of the perturbation (PGD with normalised steps and L2 projection).</summary>
    L2,

    /// <summary>ε is the number of pixels changed, each to 0 or 1 (a JSMA-style saliency attack).</summary>
    L0,
}
