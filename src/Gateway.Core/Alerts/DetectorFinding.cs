namespace NeuralSec.Gateway.Alerts;

/// <summary>One detector's verdict in an alert: score, threshold, whether it fired, the ATLAS technique — and for
/// stream detectors the evidence an analyst judges it by: the earlier queries it matched and its profile.</summary>
internal sealed record DetectorFinding(string Detector, double Score, double? Threshold, bool Flagged, string? AtlasTechniqueId)
{
    public IReadOnlyList<Detectors.Stream.QueryReference> Related { get; init; } = [];

    public IReadOnlyList<KeyValuePair<string, double>> Measures { get; init; } = [];
}
