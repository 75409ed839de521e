namespace NeuralSec.Gateway.Alerts;

/// <summary>One detector's verdict in an alert: score, threshold, whether it fired, the ATLAS technique.</summary>
internal sealed record DetectorFinding(string Detector, double Score, double? Threshold, bool Flagged, string? AtlasTechniqueId);
