namespace NeuralSec.Detectors.Stream;

/// <summary>Which earlier query a stream detector points at as evidence: the request id the Gateway logged, the client that
/// sent it and when it was answered.</summary>
public readonly record struct QueryReference(string RequestId, string ClientId, DateTimeOffset Time);
