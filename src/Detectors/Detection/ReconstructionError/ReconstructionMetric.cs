namespace NeuralSec.Detectors.Detection.ReconstructionError;

internal enum ReconstructionMetric
{
    /// <summary>MagNet's detector I/II: mean over pixels of |x − AE(x)|^p.</summary>
    Error,

    /// <summary>MagNet's probability-divergence detector: JSD between softmax(f(x)/T) and softmax(f(AE(x))/T).</summary>
    Divergence,
}
