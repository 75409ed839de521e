namespace NeuralSec.RedTeam.Attacks;

/// <summary>One configuration of <see cref="JointAdaptiveAttack"/>.</summary>
/// <param name="Epsilon">The budget in <paramref name="Norm"/>'s unit (pixels for L0).</param>
/// <param name="BackgroundPreserving">Perturb only the digit's neighbourhood (its strokes dilated by two pixels), never
/// the black background the statistics and the autoencoder see noise in.</param>
/// <param name="Penalty">Weight of each detector's hinge penalty against the margin loss.</param>
internal sealed record JointAttackSettings(AttackNorm Norm, float Epsilon, int Steps, bool BackgroundPreserving, float Penalty = 5f)
{
    public string Name => Norm switch
    {
        AttackNorm.LInf => $"joint PGD L∞ ε={Epsilon:0.##}",
        AttackNorm.L2 => $"joint PGD L2 ε={Epsilon:0.##}",
        _ => $"joint saliency L0 {Epsilon:0} px",
    } + (BackgroundPreserving ? ", digit only" : string.Empty);
}
