namespace NeuralSec.Detectors.Detection.Statistics;

/// <summary>Cheap per-image statistics in pixel units, each a possible out-of-distribution signal.</summary>
internal enum ImageFeature
{
    /// <summary>Mean intensity.</summary>
    Mean,

    /// <summary>Standard deviation of the intensities.</summary>
    Std,

    /// <summary>Fraction of values strictly inside the mid-grey band — near 0 for MNIST-like digits, raised by L∞ noise that
    /// lifts the black background.</summary>
    MidGrey,

    /// <summary>Mean absolute difference between horizontal and vertical neighbours (anisotropic total variation, summed over
    /// the two directions): adversarial noise is high-frequency.</summary>
    TotalVariation,

    /// <summary>Fraction of values outside the declared pixel range [0, 1].</summary>
    OutOfRange,
}
