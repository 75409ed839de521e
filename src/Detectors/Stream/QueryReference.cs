namespace NeuralSec.Detectors.Stream;

/// <summary>Which earlier query a stream detector points at as evidence: the request id the Gateway logged, the client that
/// sent it and when it was answered; <see cref="FromDegradedClient"/> when that client's answers were being degraded
/// then (a stream sanction), so a later copy of the query can be answered as it was.</summary>
public readonly record struct QueryReference(string RequestId, string ClientId, DateTimeOffset Time)
{
    /// <summary>The sender was degraded when it sent the query.</summary>
    public bool FromDegradedClient { get; init; }
}
