namespace NeuralSec.Detectors.Calibration;

/// <summary>What a threshold does on the given score sets: the fraction of benign inputs flagged (expected false-positive
/// rate) and of adversarial inputs flagged (detection rate; NaN without adversarial scores).</summary>
public sealed record CalibrationReport(double Threshold, bool FlagsBelowThreshold, double FalsePositiveRate, double DetectionRate, int BenignCount, int AdversarialCount);
