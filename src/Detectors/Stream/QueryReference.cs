namespace NeuralSec.Detectors.Stream;

/// <summary>One earlier query, as evidence: which request, from which client, when.</summary>
public readonly record struct QueryReference(string RequestId, string ClientId, DateTimeOffset Time);
