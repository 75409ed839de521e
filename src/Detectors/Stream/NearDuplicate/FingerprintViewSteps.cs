namespace NeuralSec.Detectors.Stream;

/// <summary>What <see cref="FingerprintView"/> does to an image before it is fingerprinted.</summary>
[Flags]
public enum FingerprintViewSteps
{
    /// <summary>The pixels as they are (Blacklight; policy <c>view: pixels</c>).</summary>
    None = 0,

    /// <summary>Shift by whole pixels so that the ink's centre of mass is at the image centre: undoes a translation.</summary>
    Align = 1,

    /// <summary>A 3×3 binomial blur of every plane: averages pixel noise out.</summary>
    Blur = 2,

    /// <summary>Divide by the brightest value: undoes a brightness factor.</summary>
    Normalise = 4,

    /// <summary>All three (policy <c>view: aligned</c>).</summary>
    Aligned = Align | Blur | Normalise,

    /// <summary>Resample about the ink's centre of mass so that its principal axis is vertical (within
    /// <see cref="FingerprintView.MaxTilt"/>) and its spread is a standard size: undoes a small rotation and rescaling
    /// as well as the translation (it takes the place of <see cref="Align"/>).</summary>
    Upright = 8,

    /// <summary>Upright, blurred and normalised (policy <c>view: upright</c>).</summary>
    UprightView = Upright | Blur | Normalise,

    /// <summary>Every step there is.</summary>
    All = Align | Blur | Normalise | Upright,
}
