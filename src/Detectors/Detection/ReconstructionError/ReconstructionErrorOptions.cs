namespace NeuralSec.Detectors.Detection.ReconstructionError;

/// <summary>Validated options of <see cref="ReconstructionErrorDetector"/>.</summary>
/// <param name="Autoencoder">Name of the autoencoder model the gateway runs (takes and returns the classifier's input format).</param>
/// <param name="Metric">What is scored.</param>
/// <param name="Power">p of the error metric: 1 (L1) or 2 (squared).</param>
/// <param name="Temperature">Softmax temperature of the divergence metric.</param>
internal sealed record ReconstructionErrorOptions(string Autoencoder, ReconstructionMetric Metric, int Power, double Temperature);
