namespace NeuralSec.RedTeam.Evaluation;

/// <summary>
/// How the STRIP diagnosis superimposes an input x on a clean overlay o (pixel units). <see cref="Add"/> and <see cref="Clip"/>
/// are what the <c>strip</c> detector does with <c>clip: false</c> (the reference notebook) and <c>clip: true</c>; the others are
/// only measured, to separate "the blend leaves [0, 1]" from "the trigger loses contrast".
/// </summary>
internal enum StripBlendRule
{
    /// <summary>x + o, unclipped (cv2.addWeighted(x, 1, o, 1, 0) on floats, as the notebook): values up to 2.</summary>
    Add,

    /// <summary>min(x + o, 1): the detector's <c>clip: true</c>.</summary>
    Clip,

    /// <summary>(x + o) / 2: an alpha blend with weight ½, inside [0, 1] but with the trigger at half intensity.</summary>
    Mean,

    /// <summary>max(x, o): the union of the strokes (equal to <see cref="Clip"/> wherever a digit is 0 or 1).</summary>
    Max,
}
